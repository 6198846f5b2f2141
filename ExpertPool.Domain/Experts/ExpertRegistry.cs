using ExpertPool.Domain.Common;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Specialties;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Experts;

/// <summary>
/// Registers and updates experts: format checks (<see cref="ExpertDraft"/>), then references (specialties, region,
/// employer) and duplicates (ID number, email) against the database. Used by the API and the CSV import alike.
/// </summary>
public sealed class ExpertRegistry(ExpertPoolDbContext db, TimeProvider clock, Notices.NoticeOutbox outbox)
{
    /// <param name="beforeSave">Adds what must commit together with the new expert (an application, its receipt notice).</param>
    public async Task<Expert> CreateAsync(ExpertInput input, string actor, CancellationToken ct, Action<Expert>? beforeSave = null)
    {
        var draft = Check(input);
        var lookup = await RegistryLookup.LoadForAsync(db, [draft], ct);
        var errors = new Dictionary<string, List<string>>();
        var (employer, specialties) = lookup.Resolve(draft, errors, clock.GetUtcNow().UtcDateTime);
        ThrowIfAny(errors);
        await EnsureUniqueAsync(draft, null, ct);
        RegisterIfNew(employer!, actor, clock.GetUtcNow().UtcDateTime);
        var expert = Expert.Create(draft, employer!, specialties, actor, clock.GetUtcNow().UtcDateTime);
        db.Experts.Add(expert);
        beforeSave?.Invoke(expert);
        await SaveAsync(ct);
        return expert;
    }

    /// <param name="expectedVersion">The version the caller edited; null for whatever is current (If-Match: *).</param>
    public async Task<Expert> UpdateAsync(Guid id, int? expectedVersion, ExpertInput input, string actor, CancellationToken ct)
    {
        var expert = await LoadAsync(id, ct);
        if (expectedVersion is { } expected && expert.Version != expected)
            throw new PreconditionFailedException($"专家信息已被他人修改（当前版本 {expert.Version}，提交的版本 {expectedVersion}），请刷新后重试 / The expert was changed by someone else (version {expert.Version}, you sent {expectedVersion}).");
        // Optional fields left out keep what is stored (an explicit [] clears the blackouts): a client that sends only
        // what it edits must not wipe an expert's unavailable dates, term, channel or language without saying so.
        input = input with
        {
            Blackouts = input.Blackouts ?? expert.Blackouts.Select(b => new BlackoutInput(b.From, b.To, b.Reason)).ToList(),
            JoinChannel = input.JoinChannel ?? expert.JoinChannel.ToString(),
            PreferredLanguage = input.PreferredLanguage ?? expert.PreferredLanguage,
            TermStart = input.TermStart ?? expert.TermStart,
            TermEnd = input.TermEnd ?? expert.TermEnd,
        };
        var draft = Check(input);
        var lookup = await RegistryLookup.LoadForAsync(db, [draft], ct);
        var errors = new Dictionary<string, List<string>>();
        var (employer, specialties) = lookup.Resolve(draft, errors, clock.GetUtcNow().UtcDateTime);
        ThrowIfAny(errors);
        await EnsureUniqueAsync(draft, id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        RegisterIfNew(employer!, actor, now);
        var previousEmployer = expert.EmployerId;
        expert.Update(draft, employer!, specialties, actor, now);
        if (previousEmployer != expert.EmployerId)
            await KeepEmploymentHistoryAsync(expert, previousEmployer, actor, now, ct);
        await SaveAsync(ct);
        return expert;
    }

    /// <summary>
    /// A change of employer must not erase the labour look-back (回避 within N years of leaving): the employment with the
    /// previous employer is kept as a relation that ended today. An ongoing employment relation with that employer is
    /// ended; otherwise one is recorded, start unknown. Today is the latest the employment can have ended, so the
    /// look-back is never shorter than the truth; an administrator who knows the real dates records them.
    /// </summary>
    /// <summary>An employer the draft named for the first time is registered, with the first entry of its history.</summary>
    private void RegisterIfNew(Organisation employer, string actor, DateTime now)
    {
        if (db.Entry(employer).State != EntityState.Detached)
            return;
        db.Organisations.Add(employer);
        db.OrganisationChanges.Add(OrganisationChange.Of(employer, OrganisationChangeKind.Created, actor, now));
    }

    private async Task KeepEmploymentHistoryAsync(Expert expert, Guid previousEmployer, string actor, DateTime now, CancellationToken ct)
    {
        // The date in China, as review dates are: the UTC date would be a day early before 08:00 China time.
        var today = Projects.Project.ReviewDateOf(now);
        var note = $"工作单位变更，自动记录 / employer changed, recorded automatically by {actor}";
        var ongoing = await db.ExpertRelations.Where(r => r.ExpertId == expert.Id && r.OrganisationId == previousEmployer && r.Kind == RelationKind.Employment && r.To == null).ToListAsync(ct);
        foreach (var relation in ongoing)
            relation.End(relation.From is { } from && from > today ? from : today, note, actor, now);
        // Moved back and away again on the same day: the employment that ended today is already recorded.
        if (ongoing.Count == 0 && !await db.ExpertRelations.AnyAsync(r => r.ExpertId == expert.Id && r.OrganisationId == previousEmployer && r.Kind == RelationKind.Employment && r.To == today, ct))
            db.ExpertRelations.Add(ExpertRelation.Create(expert.Id, previousEmployer, RelationKind.Employment, null, today, note, actor, now));
    }

    /// <param name="beforeSave">Adds what must commit together with the change (an expert leaving gives up their seats).</param>
    public async Task<Expert> ChangeStatusAsync(Guid id, int? expectedVersion, ExpertStatus target, string? reason, string actor, CancellationToken ct, Func<Expert, Task>? beforeSave = null)
    {
        try
        {
            return await ChangeStatusOnceAsync(id, expectedVersion, target, reason, actor, beforeSave, ct);
        }
        catch (Exception ex) when (beforeSave is not null && ex.InnerException is DbUpdateException)
        {
            // What the hook wrote clashed with an answer saved at the same moment (an invitation answered, the same backup
            // invited): nothing was saved; start again once from what is stored. The expected version is checked again.
            db.ChangeTracker.Clear();
            return await ChangeStatusOnceAsync(id, expectedVersion, target, reason, actor, beforeSave, ct);
        }
    }

    private async Task<Expert> ChangeStatusOnceAsync(Guid id, int? expectedVersion, ExpertStatus target, string? reason, string actor, Func<Expert, Task>? beforeSave, CancellationToken ct)
    {
        var expert = await LoadAsync(id, ct);
        if (expectedVersion is { } v && expert.Version != v)
            throw new PreconditionFailedException($"专家信息已被他人修改（当前版本 {expert.Version}，提交的版本 {v}），请刷新后重试 / The expert was changed by someone else (version {expert.Version}, you sent {v}).");
        var from = expert.Status;
        expert.ChangeStatus(target, reason, actor, clock.GetUtcNow().UtcDateTime);
        // An applicant from the public form learns the outcome of the review, in the same commit (decision 030).
        if (from == ExpertStatus.Applied && await db.ExpertApplications.Where(a => a.ExpertId == id).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct) is { } applicationId)
        {
            var notice = Notices.NoticeTemplates.ApplicationDecision(new Notices.ApplicationDecisionNotice(
                expert.Name, Applications.ExpertApplicationService.Reference(applicationId), target == ExpertStatus.Active, expert.TermStart, expert.TermEnd));
            outbox.Enqueue(db, new Notices.NoticeRecipient(expert.Email, expert.Name), notice, applicationId.ToString());
        }
        if (beforeSave is not null)
            await beforeSave(expert);
        await SaveAsync(ct);
        return expert;
    }

    public Task<Expert> LoadAsync(Guid id, CancellationToken ct) => LoadAsync(db.Experts, id, ct);

    public static async Task<Expert> LoadAsync(IQueryable<Expert> experts, Guid id, CancellationToken ct) =>
        await experts
            .Include(e => e.Employer).ThenInclude(o => o!.Aliases)
            .Include(e => e.Specialties).ThenInclude(s => s.Specialty)
            .Include(e => e.Blackouts)
            .Include(e => e.StatusHistory)
            .AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, ct)
        ?? throw new NotFoundException("Expert", id);

    private static ExpertDraft Check(ExpertInput input)
    {
        var errors = new Dictionary<string, List<string>>();
        var draft = ExpertDraft.TryCreate(input, errors);
        ThrowIfAny(errors);
        return draft!;
    }

    private static void ThrowIfAny(Dictionary<string, List<string>> errors)
    {
        if (errors.Count > 0)
            throw new DomainValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    private async Task EnsureUniqueAsync(ExpertDraft draft, Guid? self, CancellationToken ct)
    {
        var email = Expert.NormalizeEmail(draft.Email);
        var clashes = await db.Experts
            .Where(e => e.Id != self && (e.IdNumber == draft.IdNumber || e.NormalizedEmail == email))
            .Select(e => new { e.Id, e.IdNumber, e.NormalizedEmail })
            .ToListAsync(ct);
        foreach (var c in clashes)
        {
            var field = c.IdNumber == draft.IdNumber ? "idNumber" : "email";
            throw new DomainConflictException(
                $"{(field == "idNumber" ? "身份证号" : "邮箱")}已被专家 {c.Id} 使用 / Another expert ({c.Id}) already has this {(field == "idNumber" ? "ID number" : "email")}.",
                new Dictionary<string, object?> { ["field"] = field, ["existingExpertId"] = c.Id });
        }
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new PreconditionFailedException("数据已被他人修改，请刷新后重试 / The expert was changed by someone else.", ex);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.Classify(ex) is { } clash)
        {
            // The schema caught what the checks above could not see: a record saved at the same moment. Anything else
            // (disk, connection, read-only database) is not a conflict and stays a server error (decision 033).
            throw new DomainConflictException(clash switch
            {
                DatabaseClash.Duplicate => "身份证号、邮箱或工作单位的统一社会信用代码已被同时保存的记录使用，未保存 / An expert with this ID number or email, or an organisation with this credit code, was saved at the same moment; nothing was saved.",
                DatabaseClash.MissingReference => "所引用的单位或专业刚被删除，未保存 / An organisation or specialty this refers to was removed at the same moment; nothing was saved.",
                _ => "数据已被他人同时修改，未保存，请刷新后重试 / The data was changed by someone else at the same moment; nothing was saved. Read it again and retry.",
            }, ex);
        }
    }
}

/// <summary>Reference data needed to resolve drafts: loaded once per request or per CSV import.</summary>
public sealed class RegistryLookup
{
    private readonly Dictionary<string, Specialty> _specialties;
    private readonly HashSet<string> _regions;
    private readonly Dictionary<string, Organisation> _organisations;

    private RegistryLookup(Dictionary<string, Specialty> specialties, HashSet<string> regions, Dictionary<string, Organisation> organisations)
    {
        _specialties = specialties;
        _regions = regions;
        _organisations = organisations;
    }

    public static async Task<RegistryLookup> LoadForAsync(ExpertPoolDbContext db, IReadOnlyCollection<ExpertDraft> drafts, CancellationToken ct)
    {
        var codes = drafts.SelectMany(d => d.SpecialtyCodes).Distinct().ToList();
        var regions = drafts.Select(d => d.RegionCode).Distinct().ToList();
        var credit = drafts.Select(d => d.EmployerCreditCode).Distinct().ToList();
        var specialties = await db.Specialties.Where(s => codes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, StringComparer.Ordinal, ct);
        var regionSet = (await db.Regions.Where(r => regions.Contains(r.Code)).Select(r => r.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var orgs = await db.Organisations.Where(o => credit.Contains(o.CreditCode)).ToDictionaryAsync(o => o.CreditCode, StringComparer.Ordinal, ct);
        return new RegistryLookup(specialties, regionSet, orgs);
    }

    /// <summary>Finds the draft's specialties, region and employer; creates the employer when it is new and named.</summary>
    public (Organisation? Employer, IReadOnlyList<Specialty> Specialties) Resolve(ExpertDraft draft, Dictionary<string, List<string>> errors, DateTime now)
    {
        void Fail(string field, string reason)
        {
            errors.AddError(field, reason);
        }

        var specialties = new List<Specialty>();
        foreach (var code in draft.SpecialtyCodes)
        {
            if (_specialties.TryGetValue(code, out var s))
                specialties.Add(s);
            else
                Fail("specialtyCodes", $"专业代码 {code} 不存在 / unknown specialty code '{code}'");
        }
        // The ID number's own check cannot know the date: a birth date after today, or more than 100 years back, is a typo.
        if (ChineseIdNumber.TryParse(draft.IdNumber, out _, out var birth, out _, out _))
        {
            var today = DateOnly.FromDateTime(now);
            if (birth > today)
                Fail("idNumber", "身份证号中的出生日期晚于今天 / the birth date in the ID number is in the future");
            else if (birth < today.AddYears(-100))
                Fail("idNumber", "身份证号中的出生日期早于100年前 / the birth date in the ID number is more than 100 years ago");
        }
        if (!_regions.Contains(draft.RegionCode))
            Fail("regionCode", $"行政区划代码 {draft.RegionCode} 不存在 / unknown region code '{draft.RegionCode}'");

        if (!_organisations.TryGetValue(draft.EmployerCreditCode, out var employer))
        {
            if (draft.EmployerName is null)
            {
                Fail("employerName", "单位未登记，请填写单位名称 / the employer is not registered yet; give its name to register it");
            }
            else if (errors.Count == 0)
            {
                employer = Organisation.Create(draft.EmployerName, draft.EmployerCreditCode, null, now);
                _organisations[employer.CreditCode] = employer;
            }
        }
        return (employer, specialties);
    }
}
