using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws.Algorithm;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Draws;

/// <summary>Why a scheduled draw cannot run yet (no external entropy, or not yet time). The request stays Scheduled.</summary>
public sealed class DrawNotReadyException(string message) : DomainConflictException(message);

/// <summary>
/// The request can no longer be drawn: its review has started or its reply deadline has passed (it waited for entropy
/// too long, or the project was moved). The scheduler cancels such a request with this message as the reason.
/// </summary>
public sealed class DrawTooLateException(string message) : DomainConflictException(message);

/// <summary>
/// Runs a scheduled draw: freezes the eligible pool, takes the external entropy, derives the seed, ranks, and writes the
/// append-only record, all in one transaction with the request's status change. The arithmetic is
/// <see cref="DrawAlgorithm"/>; this class only gathers inputs and stores what came out.
/// </summary>
public sealed class DrawExecutor(
    ExpertPoolDbContext db,
    EligibilityService eligibility,
    Invitations.InvitationService invitations,
    Jobs.NoticeKick kick,
    TimeProvider clock,
    IOptions<DrawOptions> options,
    ILogger<DrawExecutor> logger)
{
    /// <summary>
    /// Adds the external entropy of a scheduled request: one value, accepted only within the window before the draw time.
    /// One, because whoever can read the nonce could compute the panel from a first value and then pick a second that gives
    /// the panel they want (decision 017). A value made of several public sources is entered as one text.
    /// </summary>
    public async Task<DrawEntropy> AddEntropyAsync(Guid panelRequestId, string? source, string? value, string actor, CancellationToken ct)
    {
        // Checked and written under the draw's own lock, so a value cannot arrive while a draw is being made.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.BeginSnapshotTransactionAsync(ct) : null;
        var request = await db.PanelRequests.FirstOrDefaultAsync(r => r.Id == panelRequestId, ct) ?? throw new NotFoundException("PanelRequest", panelRequestId);
        if (request.Status != PanelRequestStatus.Scheduled)
            throw new DomainConflictException($"抽取已结束，不能再录入随机数 / The panel request is {request.Status}; entropy can only be added before the draw.");
        var now = clock.GetUtcNow().UtcDateTime;
        var opensAt = request.ScheduledDrawAt - options.Value.EntropyWindow;
        if (now < opensAt)
        {
            throw new DomainConflictException(
                $"外部随机数须在抽取前 {options.Value.EntropyWindow.TotalMinutes:0} 分钟内录入 / External entropy is accepted from {opensAt:yyyy-MM-dd HH:mm} UTC, shortly before the draw, so that it did not exist when the commitment was made.");
        }
        // The rules are pinned with the randomness: once the value is known, whoever can read the nonce can compute the
        // panel, so a rule change after it must not apply to this draw (decision 017).
        var engagementType = await db.Projects.Where(p => p.Id == request.ProjectId).Select(p => p.EngagementType).FirstAsync(ct);
        var ruleSet = await ConflictRuleSets.CurrentAsync(db, engagementType, ct);
        ruleSet.EnsureApplicable();
        var entropy = DrawEntropy.Create(request, source, value, ruleSet.Id, actor, now);
        if (await db.DrawEntropies.AnyAsync(e => e.PanelRequestId == request.Id, ct))
            throw new DomainConflictException("外部随机数已录入，每次抽取只能录入一次 / External entropy has already been entered for this draw; a request takes one value. To use another, cancel the request with a reason and schedule a new one.");
        db.DrawEntropies.Add(entropy);
        // A draw that changed the request meanwhile fails this transaction, and one that began before it fails its own.
        db.RewriteRequestRow(request);
        try
        {
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
                await transaction.CommitAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            throw new DomainConflictException("录入随机数时抽取申请已变化，请刷新 / The request was drawn or changed while the entropy was being entered.", ex);
        }
        return entropy;
    }

    /// <summary>
    /// Executes the draw for a Scheduled request whose time has come. Throws <see cref="DrawNotReadyException"/> when it
    /// is too early or no external entropy exists and no fallback is configured; a panel that cannot be filled is a
    /// recorded Failed draw, not an exception.
    /// </summary>
    public async Task<DrawRecord> ExecuteAsync(Guid panelRequestId, string actor, CancellationToken ct)
    {
        // The cheap checks first, without a transaction: a draw that is not due yet (the worker asks every interval) or
        // already done must not wait for SQLite's write lock behind a long writer.
        var pending = await db.PanelRequests.AsNoTracking().Where(r => r.Id == panelRequestId)
            .Select(r => new
            {
                r.Status,
                r.ScheduledDrawAt,
                r.ReplyDeadline,
                ReviewStartsAt = db.Projects.Where(p => p.Id == r.ProjectId).Select(p => p.ReviewStartsAt).First(),
                HasEntropy = db.DrawEntropies.Any(e => e.PanelRequestId == r.Id),
            })
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException("PanelRequest", panelRequestId);
        CheckReady(pending.Status, pending.ScheduledDrawAt, pending.ReplyDeadline, pending.ReviewStartsAt, pending.HasEntropy);

        // One snapshot from the request's status to the commit: the pool, every rule's evidence and the record describe
        // the same state of the database (each query on its own could see a different one). The checks are made again
        // inside it. A caller's own transaction (a rolled-back benchmark draw) is used as it is.
        var stages = new StageTimer();
        await using var transaction = db.Database.CurrentTransaction is null ? await db.BeginSnapshotTransactionAsync(ct) : null;
        var request = await db.PanelRequests.Include(r => r.Quotas).FirstOrDefaultAsync(r => r.Id == panelRequestId, ct)
            ?? throw new NotFoundException("PanelRequest", panelRequestId);
        var now = clock.GetUtcNow().UtcDateTime;
        var entropyRows = await db.DrawEntropies.InEntryOrder(request.Id).ToListAsync(ct);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == request.ProjectId, ct);
        CheckReady(request.Status, request.ScheduledDrawAt, request.ReplyDeadline, project.ReviewStartsAt, entropyRows.Count > 0);
        if (entropyRows.Count == 0)
        {
            var current = await ConflictRuleSets.CurrentAsync(db, project.EngagementType, ct);
            var fallback = DrawEntropy.Fallback(request, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), current.Id, now);
            db.DrawEntropies.Add(fallback);
            entropyRows.Add(fallback);
            logger.LogWarning("Draw {PanelRequestId}: no external entropy entered; using the configured server fallback (recorded).", request.Id);
        }

        stages.Mark("prepare");
        var report = await eligibility.EvaluateForDrawAsync(request.Id, ConflictRuleSets.PinnedBy(entropyRows), now, ct);
        stages.Mark("eligibility");
        var input = new DrawInput(
            request.Id.ToString("D"),
            request.Nonce,
            report.RuleSetVersion,
            request.ToDrawQuotas(),
            report.ToDrawPools(),
            entropyRows.Select(e => new EntropyInput(e.Source, e.Value)).ToList());
        var outcome = DrawAlgorithm.Run(input);
        stages.Mark("algorithm");

        var failure = outcome.Succeeded ? null : Shortfalls(outcome, report);
        var context = Context(request, project, report, entropyRows, actor, now, failure);
        stages.Mark("context");
        var recordDocument = DrawRecordDocument.Create(input, outcome, context);
        stages.Mark("document");
        var (document, documentSha256) = DrawRecordJson.SerializeWithSha256(recordDocument);
        stages.Mark("json");
        var record = DrawRecord.Create(request, outcome, document, documentSha256, report.RuleSetId, report.RuleSetVersion,
            report.Quotas.Sum(q => q.EligibleCount), report.Exclusions.Count, failure, actor, now);
        stages.Mark("record");
        db.DrawRecords.Add(record);
        if (outcome.Succeeded)
            request.MarkDrawn(now);
        else
            request.MarkFailed(failure, now);
        // Invitations and their notices commit with the record: both or neither.
        await invitations.AddForDrawAsync(record, request, project, ct);
        stages.Mark("invitations");
        try
        {
            await db.SaveChangesAsync(ct);
            // Once the rows are written the commit is not abandoned half-way for a caller who stopped waiting.
            if (transaction is not null)
                await transaction.CommitAsync(CancellationToken.None);
            stages.Mark("save");
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            // The unique index on the request caught a concurrent execution of the same draw.
            throw new DomainConflictException("该申请已被抽取 / This panel request was drawn at the same moment by another caller.", ex);
        }
        // The notices are sent once they are committed: in a caller's transaction that is the caller's commit, and the
        // scheduler (which opens its own connection) must not wait for a write lock the caller still holds.
        if (transaction is not null)
            await kick.KickAsync(ct);
        stages.Mark("kick");
        // No pool hash, seed or nonce: until the review starts they are sealed (with the public ranking they give the panel
        // away), and logs are read by more people than the record.
        logger.LogInformation("Draw {PanelRequestId} {Outcome}: record {DrawId}; {Stages}", request.Id, record.Outcome, record.Id, stages);
        return record;
    }

    /// <summary>
    /// Why the request cannot be drawn now, as an exception: drawn already, not yet due, too late (the review has started
    /// or the reply deadline has passed: invitations could not be answered in time), or no entropy and no fallback.
    /// </summary>
    private void CheckReady(PanelRequestStatus status, DateTime scheduledDrawAt, DateTime replyDeadline, DateTime reviewStartsAt, bool hasEntropy)
    {
        if (status != PanelRequestStatus.Scheduled)
            throw new DomainConflictException($"每个抽取申请只能抽取一次 / The panel request is {status}: a request is drawn once; a re-draw is a new request with a reason.");
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < scheduledDrawAt)
            throw new DrawNotReadyException($"未到抽取时间（{scheduledDrawAt:yyyy-MM-dd HH:mm} UTC） / The draw is scheduled for {scheduledDrawAt:yyyy-MM-dd HH:mm} UTC.");
        if (now >= reviewStartsAt)
            throw new DrawTooLateException($"评审已于 {reviewStartsAt:yyyy-MM-dd HH:mm} UTC 开始，不能再抽取；请重新提出抽取申请 / The review started at {reviewStartsAt:yyyy-MM-dd HH:mm} UTC: this request can no longer be drawn; schedule a new one.");
        if (now >= replyDeadline)
            throw new DrawTooLateException($"答复截止时间 {replyDeadline:yyyy-MM-dd HH:mm} UTC 已过，受邀专家无法按时答复；请重新提出抽取申请 / The reply deadline {replyDeadline:yyyy-MM-dd HH:mm} UTC has passed, so invited experts could not answer in time; schedule a new request.");
        if (!hasEntropy && options.Value.EntropyFallback != EntropyFallback.ServerRandom)
            throw new DrawNotReadyException("尚未录入外部随机数 / No external entropy has been entered for this draw (supervisor value, lottery result or beacon round).");
    }

    /// <summary>Milliseconds per stage of a draw, for the log line (operators see where a slow draw spent its time).</summary>
    private sealed class StageTimer
    {
        private readonly List<(string Name, double Ms)> _stages = [];
        private long _last = System.Diagnostics.Stopwatch.GetTimestamp();

        public void Mark(string name)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            _stages.Add((name, System.Diagnostics.Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds));
            _last = now;
        }

        public override string ToString() =>
            string.Join(", ", _stages.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Ms:F1} ms")));
    }

    /// <summary>
    /// Per-quota shortfall with the rules that excluded most of that quota's candidates: the whole account in Chinese, then
    /// the same in English, e.g. "符合条件的专家不足：Q1 需要 5 人，可用 3 人（主要回避规则：status ×4）/ Not enough eligible
    /// experts: Q1 needs 5, 3 available (excluded most by: status ×4)".
    /// </summary>
    private static string Shortfalls(DrawOutcome outcome, EligibilityReport report)
    {
        var zh = new List<string>();
        var en = new List<string>();
        foreach (var q in outcome.Quotas.Where(q => q.Shortfall is not null))
        {
            var top = string.Join(", ", report.Exclusions
                .Where(x => x.QuotaKeys.Contains(q.Key))
                .SelectMany(x => x.Reasons.Select(r => r.Rule).Distinct())
                .GroupBy(r => r)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(3)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}")));
            // Experts eligible for this quota but already drawn for an earlier, overlapping one are not available to it.
            var eligible = report.Quotas.FirstOrDefault(x => x.Key == q.Key)?.EligibleCount ?? q.Shortfall!.Available;
            var takenEarlier = eligible - q.Shortfall!.Available;
            var (needed, available) = (q.Shortfall.Needed, q.Shortfall.Available);
            zh.Add(string.Create(CultureInfo.InvariantCulture,
                $"{q.Key} 需要 {needed} 人，可用 {available} 人（主要回避规则：{(top.Length == 0 ? "无" : top)}{(takenEarlier > 0 ? $"；{takenEarlier} 人已被前序配额抽中" : "")}）"));
            en.Add(string.Create(CultureInfo.InvariantCulture,
                $"{q.Key} needs {needed}, {available} available (excluded most by: {(top.Length == 0 ? "none" : top)}{(takenEarlier > 0 ? $"; {takenEarlier} drawn for earlier overlapping quotas" : "")})"));
        }
        return $"符合条件的专家不足：{string.Join("；", zh)} / Not enough eligible experts: {string.Join("; ", en)}";
    }

    /// <summary>
    /// The record's context (not hashed, ignored by the verifier), written straight into the canonical JSON: thousands of
    /// exclusions with their evidence are no JsonNode tree first. Values are taken now; keys in this order, nulls written.
    /// </summary>
    private static Action<CanonicalJsonWriter> Context(PanelRequest request, Projects.Project project, EligibilityReport report, List<DrawEntropy> entropy, string actor, DateTime now, string? failure)
    {
        static string Iso(DateTime t) => IsoText.Instant(t);
        (string Name, string? Value)[] head =
        [
            ("panelRequestId", request.Id.ToString("D")),
            ("projectId", project.Id.ToString("D")),
            ("projectCode", project.Code),
            ("engagementType", project.EngagementType.ToString()),
            ("reviewStartsAt", Iso(project.ReviewStartsAt)),
            ("requestedBy", request.RequestedBy),
            ("supervisor", request.SupervisorName),
            ("committedAt", Iso(request.CreatedAt)),
            ("scheduledDrawAt", Iso(request.ScheduledDrawAt)),
            ("executedAt", Iso(now)),
            ("executedBy", actor),
            ("supersedesRequestId", request.SupersedesRequestId?.ToString("D")),
            // Free text an auditor reads in the record: numbers and addresses masked, as in the exclusions' evidence.
            ("redrawReason", request.RedrawReason is null ? null : PersonalData.MaskIn(request.RedrawReason)),
            ("ruleSetId", report.RuleSetId.ToString("D")),
            ("ruleSetScope", report.RuleSetScope),
            ("eligibilityEvaluatedAt", Iso(report.EvaluatedAt)),
        ];
        var entered = entropy.Select(e => (e.Source, e.EnteredBy, EnteredAt: Iso(e.EnteredAt))).ToArray();
        var exclusions = report.Exclusions.OrderBy(x => x.ExpertId).ToArray();
        var parties = report.Parties;
        // Optimised from the first draw: a draw is rare, so tiered compilation would leave this loop unoptimised for long.
        return [MethodImpl(MethodImplOptions.AggressiveOptimization)] (w) =>
        {
            foreach (var (name, value) in head)
                w.Property(name, value);
            w.Name("entropyEntries").StartArray();
            foreach (var e in entered)
                w.StartObject().Property("source", e.Source).Property("enteredBy", e.EnteredBy).Property("enteredAt", e.EnteredAt).EndObject();
            // The parties the relation rules were checked against, with the names and the other records taken as the same unit.
            w.EndArray().Name("parties").StartArray();
            foreach (var party in parties)
            {
                w.StartObject().Property("organisationId", party.OrganisationId.ToString("D")).Property("name", party.Name)
                    .Property("creditCode", party.CreditCode).Property("role", party.Role.ToString()).Name("aliases").StartArray();
                foreach (var alias in party.Aliases)
                    w.String(alias);
                w.EndArray().Name("sameUnitRecords").StartArray();
                foreach (var same in party.SameUnitRecords)
                {
                    w.StartObject().Property("organisationId", same.OrganisationId.ToString("D")).Property("name", same.Name)
                        .Property("creditCode", same.CreditCode).Name("matchedNames").StartArray();
                    foreach (var name in same.MatchedNames)
                        w.String(name);
                    w.EndArray().EndObject();
                }
                w.EndArray().EndObject();
            }
            w.EndArray().Name("exclusions").StartArray();
            foreach (var x in exclusions)
            {
                w.StartObject().Property("expertId", x.ExpertId.ToString("D")).Name("quotaKeys").StartArray();
                foreach (var key in x.QuotaKeys)
                    w.String(key);
                w.EndArray().Name("reasons").StartArray();
                foreach (var r in x.Reasons)
                {
                    w.StartObject().Property("rule", r.Rule).Property("evidence", r.Evidence);
                    // Only on the few reasons that name another project (decision 028): not a null on every reason.
                    if (r.ProjectId is { } revealed)
                        w.Property("projectId", revealed.ToString("D"));
                    w.EndObject();
                }
                w.EndArray().EndObject();
            }
            w.EndArray().Property("failure", failure);
        };
    }
}
