using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Draws;

public enum DrawRecordOutcome
{
    /// <summary>Every quota was filled; members and backups are in <see cref="DrawRecord.Selections"/>.</summary>
    Succeeded = 0,
    /// <summary>The algorithm ran but at least one quota had too few eligible experts.</summary>
    Failed = 1,
}

public enum SelectionRole
{
    Member = 0,
    Backup = 1,
}

/// <summary>
/// The append-only record of one draw attempt (抽取记录): everything an auditor needs to re-run it. Rows are never
/// updated or deleted (database triggers refuse it); a correction is a new request with a reason.
/// <see cref="Document"/> is the canonical JSON the verifier and the export use; the other columns index it. The
/// document (megabytes at a large pool) lives in the same row but is read only when asked for: query with
/// <c>Include(r =&gt; r.Content)</c> (decision 025).
/// </summary>
public sealed class DrawRecord
{
    private readonly List<DrawSelection> _selections = [];

    private DrawRecord()
    {
    }

    public Guid Id { get; private set; }
    public Guid PanelRequestId { get; private set; }
    public Guid ProjectId { get; private set; }
    public DrawRecordOutcome Outcome { get; private set; }
    public string AlgorithmVersion { get; private set; } = "";
    public string RequestedBy { get; private set; } = "";
    public string SupervisorName { get; private set; } = "";
    public string ExecutedBy { get; private set; } = "";
    public DateTime CommittedAt { get; private set; }
    public DateTime ScheduledDrawAt { get; private set; }
    public DateTime ExecutedAt { get; private set; }
    public Guid RuleSetId { get; private set; }
    public int RuleSetVersion { get; private set; }
    public string Commitment { get; private set; } = "";
    public string Nonce { get; private set; } = "";
    public string PoolHash { get; private set; } = "";
    public string Seed { get; private set; } = "";
    public int EligibleTotal { get; private set; }
    public int ExcludedTotal { get; private set; }
    public string? FailureReason { get; private set; }

    /// <summary>The record's document, in the same row; null unless the query included it.</summary>
    public DrawRecordContent? Content { get; private set; }

    /// <summary>Canonical JSON (<see cref="Algorithm.DrawRecordJson"/>) of the full record.</summary>
    /// <exception cref="InvalidOperationException">The record was read without its <see cref="Content"/>.</exception>
    public string Document => Content?.Document
        ?? throw new InvalidOperationException("The draw record was read without its document: query it with Include(r => r.Content).");

    /// <summary>SHA-256 of <see cref="Document"/>'s UTF-8 bytes, so any later change to the stored text is evident.</summary>
    public string DocumentSha256 { get; private set; } = "";

    public IReadOnlyList<DrawSelection> Selections => _selections;

    /// <param name="documentSha256">SHA-256 of <paramref name="document"/>'s UTF-8 bytes, lowercase hex (<see cref="Algorithm.DrawRecordJson.SerializeWithSha256"/> gives both).</param>
    internal static DrawRecord Create(PanelRequest request, Algorithm.DrawOutcome outcome, string document, string documentSha256, Guid ruleSetId, int ruleSetVersion,
        int eligibleTotal, int excludedTotal, string? failureReason, string executedBy, DateTime now)
    {
        var record = new DrawRecord
        {
            Id = request.Id,
            PanelRequestId = request.Id,
            ProjectId = request.ProjectId,
            Outcome = outcome.Succeeded ? DrawRecordOutcome.Succeeded : DrawRecordOutcome.Failed,
            AlgorithmVersion = outcome.AlgorithmVersion,
            RequestedBy = request.RequestedBy,
            SupervisorName = request.SupervisorName,
            ExecutedBy = executedBy,
            CommittedAt = request.CreatedAt,
            ScheduledDrawAt = request.ScheduledDrawAt,
            ExecutedAt = now,
            RuleSetId = ruleSetId,
            RuleSetVersion = ruleSetVersion,
            Commitment = outcome.Commitment,
            Nonce = Convert.ToHexStringLower(request.Nonce),
            PoolHash = outcome.PoolHash,
            Seed = outcome.Seed,
            EligibleTotal = eligibleTotal,
            ExcludedTotal = excludedTotal,
            FailureReason = failureReason is { Length: > 4000 } ? string.Concat(failureReason.AsSpan(0, 3999), "…") : failureReason,
            DocumentSha256 = documentSha256,
        };
        record.Content = new DrawRecordContent(record.Id, document);
        foreach (var q in outcome.Quotas)
        {
            foreach (var m in q.Members)
                record._selections.Add(new DrawSelection(record.Id, q.Key, Guid.Parse(m.ExpertId), SelectionRole.Member, m.Rank, m.Score));
            foreach (var b in q.Backups)
                record._selections.Add(new DrawSelection(record.Id, q.Key, Guid.Parse(b.ExpertId), SelectionRole.Backup, b.Rank, b.Score));
        }
        return record;
    }
}

/// <summary>
/// A draw record's canonical JSON document. It is stored in the record's own row (one table, one insert, the same
/// append-only triggers) and mapped apart from it only so that reading a record does not read megabytes of text.
/// </summary>
public sealed class DrawRecordContent
{
    private DrawRecordContent()
    {
    }

    internal DrawRecordContent(Guid drawRecordId, string document)
    {
        DrawRecordId = drawRecordId;
        Document = document;
    }

    public Guid DrawRecordId { get; private set; }

    public string Document { get; private set; } = "";
}

/// <summary>One drawn expert: a member or a ranked backup of a quota. Append-only like its record.</summary>
public sealed class DrawSelection
{
    private DrawSelection()
    {
    }

    internal DrawSelection(Guid drawRecordId, string quotaKey, Guid expertId, SelectionRole role, int rank, string score)
    {
        Id = Guid.CreateVersion7();
        DrawRecordId = drawRecordId;
        QuotaKey = quotaKey;
        ExpertId = expertId;
        Role = role;
        Rank = rank;
        Score = score;
    }

    public Guid Id { get; private set; }
    public Guid DrawRecordId { get; private set; }
    public string QuotaKey { get; private set; } = "";
    public Guid ExpertId { get; private set; }
    public SelectionRole Role { get; private set; }
    public int Rank { get; private set; }
    public string Score { get; private set; } = "";
}

/// <summary>
/// External entropy entered at draw time (by the supervisor: a lottery result, a beacon value), after the commitment
/// was published. Append-only; all values entered for a request go into its seed in the order entered.
/// </summary>
public sealed class DrawEntropy
{
    public const int SourceMax = 100;
    public const int ValueMax = 500;

    private DrawEntropy()
    {
    }

    public Guid Id { get; private set; }
    public Guid PanelRequestId { get; private set; }
    public string Source { get; private set; } = "";
    public string Value { get; private set; } = "";
    public string EnteredBy { get; private set; } = "";
    public DateTime EnteredAt { get; private set; }

    /// <summary>
    /// The rule-set version in force for the request when this value was entered; the draw applies it, whatever version
    /// is current by then (decision 017). Null on rows entered before rule sets were pinned.
    /// </summary>
    public Guid? RuleSetId { get; private set; }

    internal static DrawEntropy Create(PanelRequest request, string? source, string? value, Guid ruleSetId, string actor, DateTime now)
    {
        var errors = new Dictionary<string, string[]>();
        var s = source?.Trim() ?? "";
        var v = value?.Trim() ?? "";
        if (s.Length == 0)
            errors["source"] = ["必填（如“supervisor”“福彩3D 2026322”） / is required (e.g. \"supervisor\", \"福彩3D 2026322\")"];
        else if (s.Length > SourceMax)
            errors["source"] = [$"不能超过 {SourceMax} 个字符 / must be at most {SourceMax} characters"];
        else if (Guard.TextProblem(s, singleLine: true) is { } sourceProblem)
            // Invisible characters included: a zero-width character in front of "fallback:" would read exactly like the
            // service's own fallback.
            errors["source"] = [sourceProblem];
        else if (s.StartsWith("fallback:", StringComparison.OrdinalIgnoreCase))
            errors["source"] = ["“fallback:” 为系统保留前缀 / \"fallback:\" sources are reserved for the service"];
        if (v.Length == 0)
            errors["value"] = ["必填 / is required"];
        else if (v.Length > ValueMax)
            errors["value"] = [$"不能超过 {ValueMax} 个字符 / must be at most {ValueMax} characters"];
        else if (Guard.TextProblem(v, singleLine: true) is { } valueProblem)
            // The value is hashed as entered: "5\u200b8" reads as the published "58" but the draw would not verify with it.
            errors["value"] = [valueProblem];
        else if (Guard.FullWidthProblem(v) is { } widthProblem)
            errors["value"] = [widthProblem];
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        return new DrawEntropy { Id = Guid.CreateVersion7(), PanelRequestId = request.Id, Source = s, Value = v, EnteredBy = actor, EnteredAt = now, RuleSetId = ruleSetId };
    }

    internal static DrawEntropy Fallback(PanelRequest request, string value, Guid ruleSetId, DateTime now) =>
        new() { Id = Guid.CreateVersion7(), PanelRequestId = request.Id, Source = DrawOptions.FallbackSource, Value = value, EnteredBy = "system", EnteredAt = now, RuleSetId = ruleSetId };
}

public static class DrawEntropyQueries
{
    /// <summary>
    /// A request's entropy rows in entry order (entered time, then id): the order the draw uses them in and in which
    /// the first one that pinned a rule set is found (<see cref="Conflicts.ConflictRuleSets.PinnedBy"/>).
    /// </summary>
    public static IOrderedQueryable<DrawEntropy> InEntryOrder(this IQueryable<DrawEntropy> rows, Guid panelRequestId) =>
        rows.Where(e => e.PanelRequestId == panelRequestId).OrderBy(e => e.EnteredAt).ThenBy(e => e.Id);
}
