using System.Security.Claims;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Draws;

public sealed record EntropyRequest(string? Source, string? Value);

/// <summary>An entropy value. <see cref="RuleSetId"/>: the rule-set version it pinned for the draw (null on rows from before pinning).</summary>
public sealed record EntropyDto(Guid Id, string Source, string Value, string EnteredBy, DateTime EnteredAt, Guid? RuleSetId);

public sealed record DrawSelectionDto(string QuotaKey, string Role, int Rank, Guid ExpertId, string ExpertName, string Score);

/// <summary>A withdrawal of a draw (the review is off): when, by whom, why, and how many invitations it cancelled.</summary>
public sealed record DrawWithdrawalDto(DateTime WithdrawnAt, string WithdrawnBy, string Reason, int CancelledInvitations);

/// <summary>
/// A draw as the API shows it. <see cref="Sealed"/>: the panel is hidden from non-administrators until the review starts.
/// <see cref="Withdrawal"/>: set once the draw was withdrawn (its record itself never changes); null for draws withdrawn
/// before withdrawals were kept, whose cancelled invitations still carry the reason.
/// </summary>
public sealed record DrawDto(
    Guid Id,
    Guid PanelRequestId,
    Guid ProjectId,
    string Outcome,
    string AlgorithmVersion,
    string SupervisorName,
    string ExecutedBy,
    DateTime CommittedAt,
    DateTime ExecutedAt,
    int RuleSetVersion,
    string Commitment,
    string Nonce,
    string PoolHash,
    string Seed,
    int EligibleTotal,
    int ExcludedTotal,
    string? FailureReason,
    bool Sealed,
    IReadOnlyList<DrawSelectionDto> Selections,
    string DocumentSha256,
    DrawWithdrawalDto? Withdrawal);

public sealed record InvitationDto(
    Guid Id,
    string QuotaKey,
    Guid ExpertId,
    string ExpertName,
    string DrawnAs,
    int DrawnRank,
    string Status,
    DateTime InvitedAt,
    DateTime Deadline,
    DateTime? RespondedAt,
    string? DeclineKind,
    string? DeclineReason,
    string? CancelReason,
    Guid? ReplacesInvitationId);

public sealed record WithdrawRequest(string? Reason);

public sealed record ReleaseSeatRequest(string? Reason);

public sealed record WithdrawResponse(int CancelledInvitations, DrawWithdrawalDto Withdrawal);

public static class DrawsEndpoints
{
    public static IEndpointRouteBuilder MapDraws(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/panel-requests").WithTags("Draws").RequireAuthorization(Policies.Reader);
        requests.MapGet("/{id:guid}/entropy", ListEntropy).WithName(nameof(ListEntropy));
        requests.MapPost("/{id:guid}/entropy", AddEntropy).WithName(nameof(AddEntropy)).RequireAuthorization(Policies.Admin);
        requests.MapPost("/{id:guid}/draw", ExecuteDraw).WithName(nameof(ExecuteDraw)).RequireAuthorization(Policies.Admin);

        var draws = app.MapGroup("/api/draws").WithTags("Draws").RequireAuthorization(Policies.Reader);
        draws.MapGet("/", ListDraws).WithName(nameof(ListDraws));
        draws.MapGet("/{id:guid}", GetDraw).WithName(nameof(GetDraw));
        draws.MapGet("/{id:guid}/record", GetDrawRecord).WithName(nameof(GetDrawRecord));
        draws.MapPost("/{id:guid}/verify", VerifyDraw).WithName(nameof(VerifyDraw));
        draws.MapGet("/{id:guid}/invitations", ListInvitations).WithName(nameof(ListInvitations));
        draws.MapPost("/{id:guid}/invitations/{invitationId:guid}/release", ReleaseSeat).WithName(nameof(ReleaseSeat)).RequireAuthorization(Policies.Admin);
        draws.MapPost("/{id:guid}/withdraw", WithdrawDraw).WithName(nameof(WithdrawDraw)).RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<Ok<List<EntropyDto>>> ListEntropy(Guid id, ExpertPoolDbContext db, CancellationToken ct)
    {
        if (!await db.PanelRequests.AnyAsync(r => r.Id == id, ct))
            throw new NotFoundException("PanelRequest", id);
        var rows = await db.DrawEntropies.AsNoTracking().InEntryOrder(id).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    /// <summary>The supervisor's external entropy (a lottery number, a beacon value), entered shortly before the draw.</summary>
    public static async Task<Created<EntropyDto>> AddEntropy(Guid id, EntropyRequest request, DrawExecutor executor, ClaimsPrincipal user, CancellationToken ct)
    {
        var entropy = await executor.AddEntropyAsync(id, request.Source, request.Value, user.Actor(), ct);
        return TypedResults.Created($"/api/panel-requests/{id}/entropy", ToDto(entropy));
    }

    /// <summary>Runs the draw now (its scheduled time must have come). A panel that cannot be filled is a recorded Failed draw.</summary>
    public static async Task<Created<DrawDto>> ExecuteDraw(Guid id, DrawExecutor executor, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var record = await executor.ExecuteAsync(id, user.Actor(), ct);
        return TypedResults.Created($"/api/draws/{record.Id}", await ToDtoAsync(db, record, user, clock, ct));
    }

    public static async Task<Ok<PagedList<DrawDto>>> ListDraws(ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, Guid? projectId, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Read(page, pageSize);
        var query = db.DrawRecords.AsNoTracking();
        if (projectId is { } pid)
            query = query.Where(r => r.ProjectId == pid);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(r => r.ExecutedAt).ThenBy(r => r.Id).Skip((p - 1) * size).Take(size).Include(r => r.Selections).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(new PagedList<DrawDto>(await ToDtosAsync(db, rows, user, clock, ct), p, size, total));
    }

    public static async Task<Ok<DrawDto>> GetDraw(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var record = await db.DrawRecords.AsNoTracking().Include(r => r.Selections).AsSplitQuery().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Draw", id);
        return TypedResults.Ok(await ToDtoAsync(db, record, user, clock, ct));
    }

    /// <summary>Set on an export whose exclusion evidence was masked for the reader: not the stored bytes, so no <c>Repr-Digest</c>.</summary>
    public const string MaskedHeader = "ExpertPool-Masked";

    /// <summary>
    /// The record as stored, canonical JSON byte for byte, which is what the verifiers (C# and tools/verify_draw.py) read. <c>Repr-Digest</c> (RFC 9530) carries its SHA-256, which the draw shows as
    /// <c>documentSha256</c> from the start (the hash reveals nothing of a sealed panel): an export whose context was
    /// edited no longer has it (<c>tools/verify_draw.py --sha256</c>). The one exception: a non-administrator reading a
    /// record stored before evidence was written masked gets a masked copy (<see cref="MaskedHeader"/>, decision 039).
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetDrawRecord(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var record = await db.DrawRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Draw", id);
        if (await IsSealedAsync(db, record.ProjectId, user, clock, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "评审开始前名单保密 / Sealed until the review starts",
                detail: "评审开始前，抽取名单仅管理员可见 / The panel list is visible only to administrators until the review starts.");
        // The bytes the database holds, never decoded into a string and encoded again: what is exported is what is stored,
        // even for a damaged row, whose bytes a string would have replaced.
        var document = await DrawDocumentReader.ReadUtf8Async(db, id, ct) ?? throw new NotFoundException("Draw", id);
        if (!user.SeesPersonalData())
        {
            if (DrawRecordDisclosure.RevealedProjects(document) is not { } revealed)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "记录无法读取 / The stored record cannot be read",
                    detail: "存储的记录不是可读的 JSON，无法判断其涉及哪些项目，仅管理员可导出；核验（POST /api/draws/{id}/verify）会指出损坏之处"
                        + " / The stored record is not readable JSON, so what it reveals cannot be told; only an administrator can export it. Verification (POST /api/draws/{id}/verify) reports the damage.");
            if (await OtherSealedPanelsAsync(db, record, revealed, user, clock, ct) is { Count: > 0 } others)
            {
                var opens = IsoText.Instant(others.Max());
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "记录涉及其他尚未开始评审的项目 / The record reveals another sealed panel",
                    detail: $"本记录的回避依据（冷却期、谢绝邀请时声明的回避）显示了 {others.Count} 个评审尚未开始的其他项目的专家，该等项目评审开始后（最晚 {opens}）方可导出；核验（POST /api/draws/{{id}}/verify）不受影响"
                        + $" / The record's exclusion evidence (cooldown, conflicts declared on declining) shows experts of {others.Count} other projects whose review has not started; it can be exported once they have (at the latest {opens}). Verification is not affected.");
            }
        }
        // A record stored before evidence was written masked may hold someone's number in an expert's own words: a reader
        // gets a copy with it masked, marked as such, without the stored document's digest (decision 039).
        if (!user.SeesPersonalData() && DrawRecordDisclosure.MaskedForReaders(document) is { } masked)
        {
            http.Response.Headers[MaskedHeader] = "evidence";
            return TypedResults.Bytes(masked, "application/json; charset=utf-8");
        }
        // A stored hash that is not 64 hex digits (a damaged row) gets no header; verification reports the mismatch.
        if (record.DocumentSha256.Length == 64 && record.DocumentSha256.All(char.IsAsciiHexDigit))
            http.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(record.DocumentSha256))}:";
        return TypedResults.Bytes(document, "application/json; charset=utf-8");
    }

    /// <summary>Anyone entitled may verify at any time; until the review starts, non-administrators see which checks passed, not their values.</summary>
    public static async Task<Ok<DrawVerificationResult>> VerifyDraw(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await DrawRecordVerification.VerifyAsync(db, id, ct);
        var projectId = await db.DrawRecords.Where(r => r.Id == id).Select(r => r.ProjectId).FirstAsync(ct);
        return TypedResults.Ok(await IsSealedAsync(db, projectId, user, clock, ct) ? DrawRecordVerification.Sealed(result) : result);
    }

    /// <summary>
    /// Every seat's invitations in order: who was invited, answered, declined (and why), expired, was passed over or
    /// cancelled, and which backup took whose seat (递补). Auditors read it once the review has started (decision 005).
    /// </summary>
    public static async Task<Results<Ok<List<InvitationDto>>, ProblemHttpResult>> ListInvitations(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var projectId = await db.DrawRecords.Where(r => r.Id == id).Select(r => (Guid?)r.ProjectId).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Draw", id);
        if (await IsSealedAsync(db, projectId, user, clock, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "评审开始前名单保密 / Sealed until the review starts",
                detail: "评审开始前，邀请与递补情况仅管理员可见 / Invitations and replacements are visible only to administrators until the review starts.");
        return TypedResults.Ok(await InvitationsOfAsync(db, id, user, ct));
    }

    private static async Task<List<InvitationDto>> InvitationsOfAsync(ExpertPoolDbContext db, Guid drawId, ClaimsPrincipal user, CancellationToken ct)
    {
        var rows = await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == drawId).OrderBy(i => i.InvitedAt).ThenBy(i => i.QuotaKey).ThenBy(i => i.DrawnRank).ToListAsync(ct);
        var ids = rows.Select(r => r.ExpertId).ToList();
        var names = await db.Experts.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        // A reason for declining is the expert's own words, and one for cancelling the administrator's; either may name
        // people with their numbers: masked for auditors.
        var full = user.SeesPersonalData();
        return rows.Select(i => new InvitationDto(i.Id, i.QuotaKey, i.ExpertId, names.GetValueOrDefault(i.ExpertId, ""), i.DrawnAs.ToString(), i.DrawnRank,
            i.Status.ToString(), i.InvitedAt, i.Deadline, i.RespondedAt, i.DeclineKind?.ToString(),
            PersonalData.ForReader(i.DeclineReason, full),
            PersonalData.ForReader(i.CancelReason, full), i.ReplacesInvitationId)).ToList();
    }

    /// <summary>
    /// One seat released by an administrator (the expert cannot come after all): cancelled with the reason, the expert
    /// told, and the seat passed to the next eligible backup. Answers with the draw's seats as they now stand.
    /// </summary>
    public static async Task<Ok<List<InvitationDto>>> ReleaseSeat(Guid id, Guid invitationId, ReleaseSeatRequest request, ExpertPoolDbContext db,
        ExpertPool.Domain.Invitations.InvitationService invitations, ExpertPool.Domain.Jobs.NoticeKick kick, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Invitations.AnyAsync(i => i.Id == invitationId && i.DrawRecordId == id, ct))
            throw new NotFoundException("Invitation", invitationId);
        await invitations.ReleaseSeatAsync(invitationId, request.Reason, user.Actor(), ct);
        await kick.KickAsync(ct);
        return TypedResults.Ok(await InvitationsOfAsync(db, id, user, ct));
    }

    /// <summary>
    /// The review is off: cancels the draw's open and confirmed invitations, tells each expert and keeps the withdrawal
    /// (shown on the draw from then on). The record stays as it is.
    /// </summary>
    public static async Task<Ok<WithdrawResponse>> WithdrawDraw(Guid id, WithdrawRequest request, ExpertPool.Domain.Invitations.InvitationService invitations, ExpertPool.Domain.Jobs.NoticeKick kick, ClaimsPrincipal user, CancellationToken ct)
    {
        var withdrawal = await invitations.WithdrawDrawAsync(id, request.Reason, user.Actor(), ct);
        await kick.KickAsync(ct);
        return TypedResults.Ok(new WithdrawResponse(withdrawal.CancelledInvitations, ToDto(withdrawal)));
    }

    /// <summary>
    /// For a non-administrator: the review start of every other project whose panel the record's exclusion evidence
    /// reveals (<paramref name="revealed"/>) and which is still sealed for the caller (decision 028).
    /// </summary>
    private static async Task<List<DateTime>> OtherSealedPanelsAsync(ExpertPoolDbContext db, DrawRecord record, HashSet<Guid> revealed, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        revealed.Remove(record.ProjectId);
        var sealedOthers = await PanelSealing.SealedAsync(db, revealed, user, clock, ct);
        if (sealedOthers.Count == 0)
            return [];
        return await db.Projects.AsNoTracking().Where(p => sealedOthers.Contains(p.Id)).Select(p => p.ReviewStartsAt).ToListAsync(ct);
    }

    private static async Task<bool> IsSealedAsync(ExpertPoolDbContext db, Guid projectId, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        (await PanelSealing.SealedAsync(db, [projectId], user, clock, ct)).Contains(projectId);

    private static async Task<DrawDto> ToDtoAsync(ExpertPoolDbContext db, DrawRecord r, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        (await ToDtosAsync(db, [r], user, clock, ct))[0];

    /// <summary>Draws as the caller may see them: one query for sealing and one for the drawn experts' names, whatever the count.</summary>
    private static async Task<List<DrawDto>> ToDtosAsync(ExpertPoolDbContext db, IReadOnlyList<DrawRecord> records, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var sealedProjects = await PanelSealing.SealedAsync(db, records.Select(r => r.ProjectId), user, clock, ct);
        var ids = records.Where(r => !sealedProjects.Contains(r.ProjectId)).SelectMany(r => r.Selections).Select(s => s.ExpertId).Distinct().ToList();
        var names = ids.Count == 0 ? [] : await db.Experts.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        var drawIds = records.Select(r => r.Id).ToList();
        var withdrawals = await db.DrawWithdrawals.AsNoTracking().Where(w => drawIds.Contains(w.DrawRecordId)).ToDictionaryAsync(w => w.DrawRecordId, ct);
        // While sealed, the nonce, seed and pool hash are withheld too: with the public ranking they would rebuild the panel.
        const string Withheld = "sealed";
        var full = user.SeesPersonalData();
        return records.Select(r =>
        {
            var sealedList = sealedProjects.Contains(r.ProjectId);
            var selections = sealedList
                ? []
                : r.Selections
                    .OrderBy(s => s.QuotaKey, StringComparer.Ordinal).ThenBy(s => s.Role).ThenBy(s => s.Rank)
                    .Select(s => new DrawSelectionDto(s.QuotaKey, s.Role.ToString(), s.Rank, s.ExpertId, names.GetValueOrDefault(s.ExpertId, ""), s.Score))
                    .ToList();
            return new DrawDto(r.Id, r.PanelRequestId, r.ProjectId, r.Outcome.ToString(), r.AlgorithmVersion, r.SupervisorName, r.ExecutedBy, r.CommittedAt, r.ExecutedAt,
                r.RuleSetVersion, r.Commitment, sealedList ? Withheld : r.Nonce, sealedList ? Withheld : r.PoolHash, sealedList ? Withheld : r.Seed,
                r.EligibleTotal, r.ExcludedTotal, r.FailureReason, sealedList, selections, r.DocumentSha256,
                withdrawals.TryGetValue(r.Id, out var withdrawal) ? ToDto(withdrawal, sealedList, masked: !full) : null);
        }).ToList();
    }

    /// <summary>
    /// While the panel is sealed its reason is withheld too: free text could name a member. Afterwards a non-administrator
    /// reads it with numbers and addresses masked.
    /// </summary>
    private static DrawWithdrawalDto ToDto(DrawWithdrawal w, bool sealedList = false, bool masked = false) =>
        new(w.WithdrawnAt, w.WithdrawnBy, sealedList ? "sealed" : PersonalData.ForReader(w.Reason, !masked), w.CancelledInvitations);

    private static EntropyDto ToDto(DrawEntropy e) => new(e.Id, e.Source, e.Value, e.EnteredBy, e.EnteredAt, e.RuleSetId);
}
