using System.Diagnostics;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using ExpertPool.Domain.Specialties;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExpertPool.Domain.Seeding;

/// <summary>What a seeding run did: whether it wrote anything, why not, and how many rows of each kind.</summary>
public sealed record SeedResult(bool Seeded, string Message, int Specialties, int Regions, int Organisations, int Experts, TimeSpan Elapsed)
{
    public static SeedResult Skipped(string reason, TimeSpan elapsed) => new(false, reason, 0, 0, 0, 0, elapsed);
}

/// <summary>
/// Fills an empty database with reference data (specialty tree, regions) and demo organisations and experts.
/// Only ever touches a database whose experts, specialties, regions and organisations tables are all empty.
/// Every expert goes through <see cref="ExpertDraft.TryCreate"/>, <see cref="Expert.Create"/> and
/// <see cref="Expert.ChangeStatus"/>, so demo data obeys the same rules as user input.
/// </summary>
public sealed class DemoDataSeeder(ExpertPoolDbContext db, TimeProvider clock, ILogger<DemoDataSeeder> logger)
{
    public const string Actor = "demo-seed";
    public const int DefaultBatchSize = 5000;

    private BulkExpertWriter? _bulk;

    /// <summary>Experts written per transaction.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    public async Task<SeedResult> SeedAsync(int expertCount, int randomSeed, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expertCount);
        var watch = Stopwatch.StartNew();

        var notEmpty = new List<string>();
        if (await db.Experts.AnyAsync(ct))
            notEmpty.Add("experts");
        if (await db.Specialties.AnyAsync(ct))
            notEmpty.Add("specialties");
        if (await db.Regions.AnyAsync(ct))
            notEmpty.Add("regions");
        if (await db.Organisations.AnyAsync(ct))
            notEmpty.Add("organisations");
        if (notEmpty.Count > 0)
        {
            var reason = $"The database already holds {string.Join(", ", notEmpty)}; seeding only runs on an empty database, nothing was changed.";
            logger.LogInformation("Demo data seeding skipped: {Reason}", reason);
            return SeedResult.Skipped(reason, watch.Elapsed);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var generator = new DemoDataGenerator(randomSeed, now);
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var (specialties, regions, organisations) = await SeedReferenceDataAsync(generator, Math.Max(50, expertCount / 40), now, ct);
            logger.LogInformation("Seeded {Specialties} specialties, {Regions} regions and {Organisations} organisations in {Elapsed} ms.",
                specialties.Count, regions, organisations.Count, watch.ElapsedMilliseconds);

            var written = 0;
            while (written < expertCount)
            {
                var size = Math.Min(BatchSize, expertCount - written);
                var batch = new List<Expert>(size);
                for (var i = 0; i < size; i++)
                    batch.Add(Build(generator.Expert(written + i + 1), specialties, organisations));
                await WriteExpertsAsync(batch, organisations, ct);
                written += size;
                logger.LogInformation("Seeded {Written}/{Total} experts ({Elapsed} ms).", written, expertCount, watch.ElapsedMilliseconds);
            }

            await DatabaseStatistics.RefreshAsync(db, ct);
            var message = $"Seeded {specialties.Count} specialties, {regions} regions, {organisations.Count} organisations and {written} experts.";
            logger.LogInformation("{Message} Took {Elapsed} ms.", message, watch.ElapsedMilliseconds);
            return new SeedResult(true, message, specialties.Count, regions, organisations.Count, written, watch.Elapsed);
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private async Task<(Dictionary<string, Specialty> Specialties, int Regions, Dictionary<string, Organisation> Organisations)> SeedReferenceDataAsync(
        DemoDataGenerator generator, int organisationCount, DateTime now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Parents first, so children get real parent ids (Specialty.Create copies ParentId from the parent).
        var specialties = new Dictionary<string, Specialty>(StringComparer.Ordinal);
        var tops = ReferenceData.Specialties.Select(t => (Seed: t, Entity: Specialty.Create(t.Code, t.NameZh, t.NameEn, null))).ToList();
        db.Specialties.AddRange(tops.Select(t => t.Entity));
        await db.SaveChangesAsync(ct);
        foreach (var (seed, parent) in tops)
        {
            specialties[parent.Code] = parent;
            foreach (var child in seed.Children)
            {
                var entity = Specialty.Create(child.Code, child.NameZh, child.NameEn, parent);
                specialties[entity.Code] = entity;
                db.Specialties.Add(entity);
            }
        }

        var regions = new Dictionary<string, Region>(StringComparer.Ordinal);
        foreach (var r in ReferenceData.Regions)
        {
            var region = Region.Create(r.Code, r.NameZh, r.NameEn, r.ParentCode is null ? null : regions[r.ParentCode]);
            regions[region.Code] = region;
            db.Regions.Add(region);
        }

        var organisations = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        foreach (var o in generator.Organisations(organisationCount))
        {
            var organisation = Organisation.Create(o.Name, o.CreditCode, o.Aliases, now);
            organisations[organisation.CreditCode] = organisation;
            db.Organisations.Add(organisation);
            db.OrganisationChanges.Add(OrganisationChange.Of(organisation, OrganisationChangeKind.Created, "demo-seeder", now));
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (specialties, regions.Count, organisations);
    }

    /// <summary>Checks the generated input exactly as the API would, then creates the expert and walks it through its lifecycle.</summary>
    private static Expert Build(ExpertSeed seed, Dictionary<string, Specialty> specialties, Dictionary<string, Organisation> organisations)
    {
        var errors = new Dictionary<string, List<string>>();
        var draft = ExpertDraft.TryCreate(seed.Input, errors)
            ?? throw new InvalidOperationException($"Generated expert {seed.Input.Email} is invalid: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        var employer = organisations[draft.EmployerCreditCode];
        var chosen = draft.SpecialtyCodes.Select(c => specialties[c]).ToList();
        var expert = Expert.Create(draft, employer, chosen, Actor, seed.AppliedAt);
        foreach (var step in seed.Steps)
            expert.ChangeStatus(step.To, step.Reason, Actor, step.At);
        return expert;
    }

    private async Task WriteExpertsAsync(List<Expert> batch, Dictionary<string, Organisation> organisations, CancellationToken ct)
    {
        _bulk ??= BulkExpertWriter.For(db);
        if (_bulk is not null)
        {
            await _bulk.WriteAsync(batch, ct);
            return;
        }

        // Any other provider: plain SaveChanges, one transaction per batch.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Employers are already stored: track them as unchanged so adding an expert does not insert its employer again.
        db.Organisations.AttachRange(organisations.Values);
        db.Experts.AddRange(batch);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}
