using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExpertPool.Domain.Seeding;

/// <summary>What the demo timeline wrote: the registry's seeding, and the finished demo draw when there is one.</summary>
public sealed record DemoTimelineResult(SeedResult Registry, Guid? ProjectId, Guid? DrawId);

/// <summary>
/// Seeds a fresh database as if the service had been running for a fortnight, so a newcomer finds every stage of a draw
/// on the first start: the registry (<see cref="DemoDataSeeder"/>), then one project whose review began yesterday,
/// with its panel request, external entropy, draw, invitations, one decline filled by a backup (递补) and the
/// confirmations, and so a published result (一公开) under <c>/public/draws</c>.
/// <para>
/// Nothing is written around the rules: every step goes through the same services as the API, each under a clock
/// set to that step's moment (the services take <see cref="TimeProvider"/>), so the record verifies like any other.
/// The notices those steps queue (invitations, receipts, the panel-complete notice) are real and are sent as usual.
/// </para>
/// </summary>
public static class DemoDraw
{
    public const string Actor = DemoDataSeeder.Actor;

    public static async Task<DemoTimelineResult> SeedAsync(IServiceProvider services, int expertCount, int randomSeed, DateTime now, ILogger logger, CancellationToken ct)
    {
        // The review began yesterday (Beijing date) at 09:00 Beijing time, 01:00 UTC: at least 15 hours ago at any hour.
        var chinaToday = Project.ReviewDateOf(now);
        var reviewStartsAt = chinaToday.AddDays(-1).ToDateTime(new TimeOnly(1, 0), DateTimeKind.Utc);
        var clock = new StepClock(reviewStartsAt.AddDays(-13));
        var registry = await ActivatorUtilities.CreateInstance<DemoDataSeeder>(services, clock).SeedAsync(expertCount, randomSeed, ct);
        if (!registry.Seeded || expertCount < 200)
            return new DemoTimelineResult(registry, null, null);

        // All of the draw's history in one transaction (the services join a caller's transaction): a step that fails
        // leaves no half-made demo (no pending invitation that the jobs would then expire for real), and the service
        // still starts, with the registry only.
        var db = services.GetRequiredService<Persistence.ExpertPoolDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var (projectId, drawId) = await DrawAsync(services, db, clock, reviewStartsAt, randomSeed, ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Seeded the demo draw {DrawId}, reviewed {ReviewStartsAt:u}.", drawId, reviewStartsAt);
            return new DemoTimelineResult(registry, projectId, drawId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            logger.LogWarning(ex, "The demo draw was not seeded ({Reason}); the demo registry is there, without a draw.", ex.Message);
            return new DemoTimelineResult(registry, null, null);
        }
    }

    private static async Task<(Guid ProjectId, Guid DrawId)> DrawAsync(IServiceProvider services, Persistence.ExpertPoolDbContext db, StepClock clock,
        DateTime reviewStartsAt, int randomSeed, CancellationToken ct)
    {
        // Step times within whatever the options allow: drawn up to two days before the review (Draws:MaxLeadTime may
        // be shorter), the entropy up to 20 minutes before the draw (Draws:EntropyWindow may be shorter), replies a
        // quarter and a half into each invitation's own reply window.
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DrawOptions>>().Value;
        var lead = options.MaxLeadTime < TimeSpan.FromDays(2) ? options.MaxLeadTime : TimeSpan.FromDays(2);
        var drawAt = reviewStartsAt - lead;
        var entropyAt = drawAt - (options.EntropyWindow < TimeSpan.FromMinutes(20) ? options.EntropyWindow : TimeSpan.FromMinutes(20));

        // The project: registered six days before its review.
        clock.Set(reviewStartsAt.AddDays(-6));
        // The applicant: the employer of most demo experts, so the same-organisation rule has experts to exclude.
        var applicant = (await db.Experts.AsNoTracking().GroupBy(e => e.EmployerId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key).First().Key;
        var draft = Project.Check("DEMO-" + reviewStartsAt.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
            "【演示】某市质量提升示范项目评审 / [Demo] city quality improvement project review", nameof(EngagementType.ProjectReview),
            reviewStartsAt, "杭州市西湖区文三路 1 号（演示）/ 1 Wensan Road, Hangzhou (demo)", null,
            [new ProjectPartyInput(applicant, PartyRole.Applicant)], [], clock.Now);
        var project = Project.Create(draft, Actor, clock.Now);
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);

        var requests = ActivatorUtilities.CreateInstance<PanelRequestService>(services, clock);
        var request = await requests.ScheduleAsync(new PanelRequestInput(project.Id,
            [new PanelQuotaInput("QM", null, 3, 2), new PanelQuotaInput("ST", null, 2, 2)],
            drawAt + lead / 2, drawAt, "王监督（演示）/ Supervisor Wang (demo)", null, null), Actor, ct);
        clock.Set(reviewStartsAt.AddDays(-5));
        var excluded = await db.ExpertSpecialties.AsNoTracking()
            .Where(es => db.Specialties.Any(s => s.Id == es.SpecialtyId && s.Code.StartsWith("QM")))
            .OrderBy(es => es.ExpertId).Select(es => es.ExpertId).FirstAsync(ct);
        await requests.ExcludeAsync(request.Id, excluded, "演示：与申请单位负责人是同学，主动申请回避 / demo: a classmate of the applicant's head, asked to stand aside", Actor, ct);

        // The draw: the supervisor enters a public lottery result shortly before, then the draw is made on time.
        var outbox = ActivatorUtilities.CreateInstance<NoticeOutbox>(services, clock);
        var invitations = ActivatorUtilities.CreateInstance<InvitationService>(services, clock, outbox);
        var eligibility = ActivatorUtilities.CreateInstance<Conflicts.EligibilityService>(services, clock);
        var executor = ActivatorUtilities.CreateInstance<DrawExecutor>(services, clock, eligibility, invitations);
        clock.Set(entropyAt);
        var lottery = new Random(randomSeed);
        await executor.AddEntropyAsync(request.Id, "演示：福利彩票 3D 开奖号码 / demo: welfare lottery 3D result",
            $"{lottery.Next(10)} {lottery.Next(10)} {lottery.Next(10)}", "王监督（演示）", ct);
        clock.Set(drawAt);
        var draw = await executor.ExecuteAsync(request.Id, Actor, ct);
        if (draw.Outcome != DrawRecordOutcome.Succeeded)
            throw new InvalidOperationException($"the demo draw failed: {draw.FailureReason}");

        // Replies: the first member is away (a backup takes the seat), the others confirm, then the backup does.
        db.ChangeTracker.Clear();
        var seats = await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == draw.Id)
            .OrderBy(i => i.QuotaKey).ThenBy(i => i.DrawnRank).Select(i => new { i.Id, i.InvitedAt, i.Deadline }).ToListAsync(ct);
        var first = seats[0];
        clock.Set(first.InvitedAt + (first.Deadline - first.InvitedAt) / 4);
        await invitations.DeclineAsync(first.Id, DeclineKind.Unavailable, "演示：评审当天出差 / demo: travelling on the review day", null, ct);
        clock.Set(first.InvitedAt + (first.Deadline - first.InvitedAt) / 2);
        foreach (var seat in seats.Skip(1))
            await invitations.ConfirmAsync(seat.Id, ct);
        var backups = await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == draw.Id && i.Status == InvitationStatus.Pending)
            .Select(i => new { i.Id, i.InvitedAt, i.Deadline }).ToListAsync(ct);
        foreach (var seat in backups)
        {
            var at = seat.InvitedAt + (seat.Deadline - seat.InvitedAt) / 2;
            if (at > clock.Now)
                clock.Set(at);
            await invitations.ConfirmAsync(seat.Id, ct);
        }
        return (project.Id, draw.Id);
    }

    /// <summary>A clock that stays where it is set: each seeding step happens at its own moment.</summary>
    private sealed class StepClock(DateTime start) : TimeProvider
    {
        private DateTimeOffset _now = new(start, TimeSpan.Zero);

        public DateTime Now => _now.UtcDateTime;

        public void Set(DateTime at) => _now = new DateTimeOffset(at, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
