using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws.Algorithm;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Draws;

/// <summary>One check of a stored draw against itself and against what was published before it.</summary>
public sealed record VerificationCheck(string Name, bool Passed, string? Expected, string? Actual)
{
    /// <summary>What the check establishes, Chinese then English (<see cref="VerificationTexts.Describe"/>).</summary>
    public string Description => VerificationTexts.Describe(Name);
}

/// <summary>A stored external entropy value of a request, when it was entered, and the rule set it pinned (null on older rows).</summary>
public sealed record EnteredEntropy(string Source, string Value, DateTime EnteredAt, Guid? RuleSetId = null, long? RuleSetVersion = null);

/// <summary>An invitation as verification compares it with the draw: the seat it offered, the one it replaced, when, and how it stands.</summary>
public sealed record IssuedInvitation(Guid Id, Guid ExpertId, string QuotaKey, SelectionRole Role, int Rank, Guid? ReplacesInvitationId, DateTime InvitedAt, InvitationStatus Status);

/// <summary>The outcome of re-deriving a stored draw: <see cref="FirstDivergence"/> names where it first differs.</summary>
public sealed record DrawVerificationResult(Guid DrawId, bool Matches, string? FirstDivergence, IReadOnlyList<VerificationCheck> Checks)
{
    /// <summary>The result in one sentence, Chinese then English (<see cref="VerificationTexts.Summary"/>).</summary>
    public string Summary => VerificationTexts.Summary(this);
}

/// <summary>Re-derives a stored draw from its record alone and compares it with what was stored and published.</summary>
public static class DrawRecordVerification
{
    /// <summary>
    /// The result as a caller who may not yet see the panel gets it: which checks passed or failed, without their values
    /// (a value can be the nonce, the seed or the pool hash, and with the public ranking they rebuild the panel).
    /// </summary>
    public static DrawVerificationResult Sealed(DrawVerificationResult result) => result with
    {
        Checks = result.Checks.Select(c => PublicChecks.Contains(c.Name) ? c : c with
        {
            Expected = c.Expected is null ? null : "sealed",
            Actual = c.Actual is null ? null : "sealed",
        }).ToList(),
    };

    /// <summary>Checks whose values the draw view shows anyway (hashes, ids, times, the outcome): they stay readable while sealed.</summary>
    private static readonly HashSet<string> PublicChecks = new(StringComparer.Ordinal)
    {
        "documentSha256", "publishedCommitment", "drawId", "storedCommitment", "storedRuleSetVersion", "storedOutcome", "timeline", "ruleSetPinned",
        "storedContext", "storedTotals",
    };

    public static async Task<DrawVerificationResult> VerifyAsync(ExpertPoolDbContext db, Guid drawId, CancellationToken ct)
    {
        // The document is read apart, as the bytes stored (DrawDocumentReader): the row and its selections come without it.
        var record = await db.DrawRecords.AsNoTracking().Include(r => r.Selections).FirstOrDefaultAsync(r => r.Id == drawId, ct)
            ?? throw new NotFoundException("Draw", drawId);
        var document = await DrawDocumentReader.ReadUtf8Async(db, drawId, ct) ?? throw new NotFoundException("Draw", drawId);
        var request = await db.PanelRequests.AsNoTracking().Include(r => r.Quotas).FirstAsync(r => r.Id == record.PanelRequestId, ct);
        var entropy = await db.DrawEntropies.AsNoTracking().InEntryOrder(record.PanelRequestId).Select(e => new EnteredEntropy(e.Source, e.Value, e.EnteredAt, e.RuleSetId,
                db.ConflictRuleSets.Where(r => r.Id == e.RuleSetId).Select(r => (long?)r.Version).FirstOrDefault())).ToListAsync(ct);
        var invitations = await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == drawId)
            .Select(i => new IssuedInvitation(i.Id, i.ExpertId, i.QuotaKey, i.DrawnAs, i.DrawnRank, i.ReplacesInvitationId, i.InvitedAt, i.Status)).ToListAsync(ct);
        return Verify(record, document, request.Commitment, entropy, request.ToDrawQuotas(), invitations);
    }

    /// <param name="record">The stored draw.</param>
    /// <param name="publishedCommitment">The commitment shown when the draw was scheduled.</param>
    /// <param name="entered">The request's stored entropy rows in entry order (<see cref="DrawEntropyQueries.InEntryOrder"/>),
    /// with their entry times. The draw used every one of them, in that order (one value per request, entered under the
    /// draw's lock, or the fallback row the draw itself stored): the record must name exactly these values, else someone
    /// who knows the nonce could have rebuilt it from a value of their own. Commit-then-reveal holds only if each came
    /// after the commitment and no later than the draw.</param>
    /// <param name="storedQuotas">The request's quotas as stored, in position order: the record's must be the same.</param>
    /// <param name="invitations">The draw's invitations, checked against its seats ("invitations"); null leaves them unchecked.</param>
    public static DrawVerificationResult Verify(DrawRecord record, string publishedCommitment, IReadOnlyList<EnteredEntropy> entered, IReadOnlyList<DrawQuota> storedQuotas,
        IReadOnlyList<IssuedInvitation>? invitations = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        return VerifyText(record, record.Document, publishedCommitment, entered, storedQuotas, invitations);
    }

    /// <summary>
    /// As <see cref="Verify(DrawRecord, string, IReadOnlyList{EnteredEntropy}, IReadOnlyList{DrawQuota})"/>, with the
    /// stored document given as the bytes the database holds (the record may have been read without its
    /// <see cref="DrawRecord.Content"/>). The hash is over these bytes; bytes that are not UTF-8 are no readable record.
    /// </summary>
    public static DrawVerificationResult Verify(DrawRecord record, ReadOnlyMemory<byte> documentUtf8, string publishedCommitment, IReadOnlyList<EnteredEntropy> entered, IReadOnlyList<DrawQuota> storedQuotas,
        IReadOnlyList<IssuedInvitation>? invitations = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var checks = new List<VerificationCheck>();
        if (!Utf8.IsValid(documentUtf8.Span))
        {
            AddHashCheck(record, CanonicalEncoder.Hex(SHA256.HashData(documentUtf8.Span)), checks);
            checks.Add(new("document", false, "a readable record", "text that is not valid UTF-8"));
            return Evaluate(record, checks, null, null, null, publishedCommitment, entered, storedQuotas, invitations);
        }
        var (doc, outline, inputFault) = ReadDocument(record, documentUtf8, checks);
        return Evaluate(record, checks, doc, outline, inputFault, publishedCommitment, entered, storedQuotas, invitations);
    }

    private static DrawVerificationResult VerifyText(DrawRecord record, string text, string publishedCommitment, IReadOnlyList<EnteredEntropy> entered, IReadOnlyList<DrawQuota> storedQuotas,
        IReadOnlyList<IssuedInvitation>? invitations)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        try
        {
            if (Utf8.FromUtf16(text, utf8, out _, out var length, replaceInvalidSequences: false) == OperationStatus.Done)
                return Verify(record, utf8.AsMemory(0, length), publishedCommitment, entered, storedQuotas, invitations);

            // Not valid UTF-16 (a lone surrogate): the hash replaces it, and no JSON reader takes the text.
            var checks = new List<VerificationCheck>();
            AddHashCheck(record, CanonicalEncoder.Sha256HexOfUtf8(text), checks);
            checks.Add(new("document", false, "a readable record", "text that is not valid UTF-16"));
            return Evaluate(record, checks, null, null, null, publishedCommitment, entered, storedQuotas, invitations);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static DrawVerificationResult Evaluate(DrawRecord record, List<VerificationCheck> checks, DrawRecordDocument? doc, ContextOutline? head, string? inputFault,
        string publishedCommitment, IReadOnlyList<EnteredEntropy> entered, IReadOnlyList<DrawQuota> storedQuotas, IReadOnlyList<IssuedInvitation>? invitations)
    {
        if (doc is not null)
        {
            checks.Add(new("publishedCommitment", doc.Commitment == publishedCommitment, publishedCommitment, doc.Commitment));
            checks.Add(new("drawId", doc.DrawId == record.Id.ToString("D"), record.Id.ToString("D"), doc.DrawId));
            var report = DrawVerifier.Verify(doc, inputFault);
            checks.Add(new(report.FirstDivergence ?? "algorithm", report.Matches, report.Expected, report.Actual));
            var documented = doc.Selection
                .SelectMany(q => q.Members.Select(m => $"{q.QuotaKey}/member/{m.Rank}/{m.ExpertId}")
                    .Concat(q.Backups.Select(b => $"{q.QuotaKey}/backup/{b.Rank}/{b.ExpertId}")))
                .Order(StringComparer.Ordinal).ToList();
            var stored = record.Selections
                .Select(s => $"{s.QuotaKey}/{(s.Role == SelectionRole.Member ? "member" : "backup")}/{s.Rank}/{s.ExpertId:D}")
                .Order(StringComparer.Ordinal).ToList();
            var firstDiff = documented.Zip(stored).FirstOrDefault(p => p.First != p.Second);
            var same = documented.SequenceEqual(stored, StringComparer.Ordinal);
            checks.Add(new("storedSelections", same,
                same ? null : firstDiff.First ?? (documented.Count > stored.Count ? documented[stored.Count] : "(none)"),
                same ? null : firstDiff.Second ?? (stored.Count > documented.Count ? stored[documented.Count] : "(none)")));

            // The row's own columns (shown by the API) must say what the document says.
            Same("storedCommitment", record.Commitment, doc.Commitment);
            Same("storedNonce", record.Nonce, doc.Nonce);
            Same("storedPoolHash", record.PoolHash, doc.PoolHash);
            Same("storedSeed", record.Seed, doc.Seed);
            Same("storedRuleSetVersion", record.RuleSetVersion.ToString(CultureInfo.InvariantCulture), doc.RuleSetVersion.ToString(CultureInfo.InvariantCulture));
            Same("storedOutcome", record.Outcome == DrawRecordOutcome.Succeeded ? "succeeded" : "failed", doc.Succeeded ? "succeeded" : "failed");
            // The other columns the API and the public page show, against the record's context (each key the context has;
            // a record may carry no context at all).
            if (head is not null)
            {
                (string Key, string? Stored)[] columns =
                [
                    ("panelRequestId", record.PanelRequestId.ToString("D")), ("projectId", record.ProjectId.ToString("D")),
                    ("requestedBy", record.RequestedBy), ("supervisor", record.SupervisorName), ("executedBy", record.ExecutedBy),
                    ("committedAt", IsoText.Instant(record.CommittedAt)), ("scheduledDrawAt", IsoText.Instant(record.ScheduledDrawAt)),
                    ("executedAt", IsoText.Instant(record.ExecutedAt)), ("ruleSetId", record.RuleSetId.ToString("D")), ("failure", record.FailureReason),
                ];
                var differs = columns.FirstOrDefault(c => head.Values.TryGetValue(c.Key, out var documented) && !string.Equals(documented, c.Stored, StringComparison.Ordinal));
                checks.Add(differs.Key is null
                    ? new("storedContext", true, null, null)
                    : new("storedContext", false, $"{differs.Key}: {head.Values[differs.Key] ?? "null"}", $"{differs.Key}: {differs.Stored ?? "null"}"));
                var eligible = doc.Pool.Sum(p => p.ExpertIds.Count);
                var excluded = head.ArrayLengths.TryGetValue("exclusions", out var listed) ? listed : record.ExcludedTotal;
                var totalsMatch = eligible == record.EligibleTotal && excluded == record.ExcludedTotal;
                checks.Add(new("storedTotals", totalsMatch,
                    totalsMatch ? null : string.Create(CultureInfo.InvariantCulture, $"eligible {eligible}, excluded {excluded}"),
                    totalsMatch ? null : string.Create(CultureInfo.InvariantCulture, $"eligible {record.EligibleTotal}, excluded {record.ExcludedTotal}")));
            }

            // The request's own rows (entered and scheduled before the draw) must say what the hashed document says.
            // Compared as values (records), shown as text.
            var storedEntropy = entered.Select(e => new EntropyInput(e.Source, e.Value)).ToList();
            SameList("storedQuotas", storedQuotas, doc.Quotas, QuotasText);
            SameList("storedEntropy", storedEntropy, doc.ExternalEntropy, EntropyText);
        }
        checks.Add(Timeline(record, entered.Select(e => e.EnteredAt).ToList()));
        // The rules were pinned with the first value entered (as the draw picks it): the draw must have applied that
        // version, both in its row and in the hashed document.
        if (ConflictRuleSets.PinningRow(entered, e => e.RuleSetId) is { RuleSetId: { } pinned } row)
        {
            var documented = doc?.RuleSetVersion.ToString(CultureInfo.InvariantCulture) ?? "?";
            var pinnedText = $"{pinned:D} v{row.RuleSetVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
            Same("ruleSetPinned", $"{record.RuleSetId:D} v{documented}", pinnedText);
        }

        if (invitations is not null)
            checks.Add(InvitationTrail(record, invitations));

        var failed = checks.FirstOrDefault(c => !c.Passed);
        return new DrawVerificationResult(record.Id, failed is null, failed?.Name, checks);

        // A passing check carries no values: they include the nonce and seed, which stay sealed until the review.
        void Same(string name, string stored, string documented)
        {
            var same = string.Equals(stored, documented, StringComparison.Ordinal);
            checks.Add(new(name, same, same ? null : documented, same ? null : stored));
        }

        void SameList<T>(string name, IReadOnlyList<T> stored, IReadOnlyList<T> documented, Func<IEnumerable<T>, string> text)
        {
            var same = stored.SequenceEqual(documented);
            checks.Add(new(name, same, same ? null : text(documented), same ? null : text(stored)));
        }
    }

    /// <summary>
    /// The replacement trail (递补) against the draw's seats: every invitation offers a seat the record holds to the
    /// expert it holds; each member was invited once, replacing nothing; only backups replace, each an invitation of the
    /// same quota that was given up (declined, expired or cancelled), each such seat filled at most once (backups passed
    /// over are kept as Skipped rows); and in each quota the backups offered are the first ones by rank, 1, 2, 3…, none
    /// left out (a later backup never took a seat while an earlier one was passed over without a record).
    /// </summary>
    private static VerificationCheck InvitationTrail(DrawRecord record, IReadOnlyList<IssuedInvitation> invitations)
    {
        static string Seat(IssuedInvitation i) => string.Create(CultureInfo.InvariantCulture, $"invitation {i.Id:D}: {i.QuotaKey}/{(i.Role == SelectionRole.Member ? "member" : "backup")}/{i.Rank}/{i.ExpertId:D}");
        static VerificationCheck Fail(string expected, string actual) => new("invitations", false, expected, actual);
        if (record.Outcome != DrawRecordOutcome.Succeeded)
            return invitations.Count == 0 ? new("invitations", true, null, null) : Fail("no invitation (the draw failed)", $"{invitations.Count} invitation(s)");

        var seats = record.Selections.ToDictionary(s => (s.QuotaKey, s.Role, s.Rank), s => s.ExpertId);
        var byId = invitations.ToDictionary(i => i.Id);
        var ordered = invitations.OrderBy(i => i.InvitedAt).ThenBy(i => i.QuotaKey, StringComparer.Ordinal).ThenBy(i => i.Role).ThenBy(i => i.Rank).ToList();
        foreach (var i in ordered)
        {
            if (!seats.TryGetValue((i.QuotaKey, i.Role, i.Rank), out var expert) || expert != i.ExpertId)
                return Fail("a seat the record holds, offered to the expert it holds", Seat(i));
            if (i.ReplacesInvitationId is not { } replaced)
            {
                if (i.Role != SelectionRole.Member)
                    return Fail("a backup invited only in a seat given up", $"{Seat(i)} replaces nothing");
                continue;
            }
            if (i.Role != SelectionRole.Backup)
                return Fail("only backups replace", $"{Seat(i)} replaces {replaced:D}");
            if (!byId.TryGetValue(replaced, out var vacated) || vacated.QuotaKey != i.QuotaKey)
                return Fail($"replaces an invitation of quota {i.QuotaKey} of this draw", $"{Seat(i)} replaces {replaced:D}");
            if (i.Status != InvitationStatus.Skipped && vacated.Status is not (InvitationStatus.Declined or InvitationStatus.Expired or InvitationStatus.Cancelled))
                return Fail("replaces a seat given up (declined, expired or cancelled)", $"{Seat(i)} replaces {replaced:D}, which is {vacated.Status}");
        }

        var members = record.Selections.Where(s => s.Role == SelectionRole.Member).Select(s => (s.QuotaKey, s.Rank)).Order().ToList();
        var invitedMembers = invitations.Where(i => i.Role == SelectionRole.Member).Select(i => (i.QuotaKey, i.Rank)).Order().ToList();
        if (!members.SequenceEqual(invitedMembers))
            return Fail($"each of the {members.Count} members invited once", $"{invitedMembers.Count} member invitation(s), {invitedMembers.Distinct().Count()} seat(s)");

        if (invitations.Where(i => i.ReplacesInvitationId is not null && i.Status != InvitationStatus.Skipped)
                .GroupBy(i => i.ReplacesInvitationId).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return Fail("a seat given up filled once", $"invitation {twice.Key:D} replaced by {twice.Count()} invitations");

        // Which backups, not when: each invitation's time is taken when the answer that caused it started, and a batch of
        // expiries can commit after a decline that began later, so times need not follow ranks. The set must.
        foreach (var quota in ordered.Where(i => i.Role == SelectionRole.Backup).GroupBy(i => i.QuotaKey))
        {
            var ranks = quota.Select(i => i.Rank).Order().ToList();
            if (!ranks.SequenceEqual(Enumerable.Range(1, ranks.Count)))
                return Fail(string.Create(CultureInfo.InvariantCulture, $"{quota.Key} backups 1..{ranks.Count} offered, none left out"),
                    $"{quota.Key} backups offered: {string.Join(", ", ranks)}");
        }

        return new("invitations", true, null, null);
    }

    /// <summary>Quotas as one line each: key, specialty, region (or -), count + backups.</summary>
    private static string QuotasText(IEnumerable<DrawQuota> quotas) =>
        string.Join("; ", quotas.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Key} {q.SpecialtyCode} {q.RegionCode ?? "-"} {q.Count}+{q.Backups}")));

    /// <summary>Entropy values in order as source=value, separated by " | ".</summary>
    private static string EntropyText(IEnumerable<EntropyInput> entropy) => string.Join(" | ", entropy.Select(e => $"{e.Source}={e.Value}"));

    /// <summary>
    /// Commit, then reveal, in time: committed ≤ scheduled ≤ executed, and every entropy value entered after the commitment
    /// and no later than the draw. Expected and actual name the first step out of order.
    /// </summary>
    private static VerificationCheck Timeline(DrawRecord record, IReadOnlyList<DateTime> entropyEnteredAt)
    {
        static string Iso(DateTime t) => IsoText.Instant(t);
        if (record.ScheduledDrawAt < record.CommittedAt)
            return new("timeline", false, $"committedAt {Iso(record.CommittedAt)} <= scheduledDrawAt", $"scheduledDrawAt {Iso(record.ScheduledDrawAt)}");
        if (record.ExecutedAt < record.ScheduledDrawAt)
            return new("timeline", false, $"scheduledDrawAt {Iso(record.ScheduledDrawAt)} <= executedAt", $"executedAt {Iso(record.ExecutedAt)}");
        foreach (var at in entropyEnteredAt.Order())
        {
            if (at <= record.CommittedAt || at > record.ExecutedAt)
                return new("timeline", false, $"entropy entered after committedAt {Iso(record.CommittedAt)} and by executedAt {Iso(record.ExecutedAt)}", $"entropy enteredAt {Iso(at)}");
        }
        return new("timeline", true, null, null);
    }

    /// <summary>
    /// Checks the stored document (valid UTF-8) against its hash ("documentSha256") and reads it, with its context's
    /// outline (a "document" check when it cannot be read). The same bytes serve both: a record is megabytes.
    /// </summary>
    private static (DrawRecordDocument? Document, ContextOutline? Outline, string? InputFault) ReadDocument(DrawRecord record, ReadOnlyMemory<byte> utf8, List<VerificationCheck> checks)
    {
        AddHashCheck(record, CanonicalEncoder.Hex(SHA256.HashData(utf8.Span)), checks);
        try
        {
            return DrawRecordJson.ReadForVerification(utf8);
        }
        catch (RecordMembersException ex)
        {
            checks.Add(new("members", false, "exactly the top-level members of the specification, section 9", ex.Message));
            return (null, null, null);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            checks.Add(new("document", false, "a readable record", ex.Message));
            return (null, null, null);
        }
    }

    private static void AddHashCheck(DrawRecord record, string storedHash, List<VerificationCheck> checks) =>
        checks.Add(new("documentSha256", storedHash == record.DocumentSha256, record.DocumentSha256, storedHash));

    internal static bool IsUnreadable(Exception ex) =>
        ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException or FormatException;

    /// <summary>
    /// A stored document read as a record for a purpose other than verifying it; one that cannot be read is a clear 409
    /// saying what therefore cannot be done (<paramref name="consequenceZh"/>, <paramref name="consequenceEn"/>), and that
    /// verification reports the damage.
    /// </summary>
    internal static Algorithm.DrawRecordDocument ReadStored(ReadOnlyMemory<byte> utf8, string consequenceZh, string consequenceEn)
    {
        try
        {
            return Algorithm.DrawRecordJson.Deserialize(utf8);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            throw new DomainConflictException($"存储的抽取记录无法读取，{consequenceZh}；核验（POST /api/draws/{{id}}/verify）会指出损坏之处"
                + $" / The stored draw record cannot be read, so {consequenceEn}. Verification (POST /api/draws/{{id}}/verify) reports the damage.", ex);
        }
    }
}
