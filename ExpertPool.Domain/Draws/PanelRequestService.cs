using System.Security.Cryptography;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws.Algorithm;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Draws;

/// <summary>What an administrator sends to schedule a panel request (or a re-draw, with <see cref="SupersedesRequestId"/>).</summary>
public sealed record PanelRequestInput(
    Guid? ProjectId,
    IReadOnlyList<PanelQuotaInput>? Quotas,
    DateTime? ReplyDeadline,
    DateTime? ScheduledDrawAt,
    string? SupervisorName,
    Guid? SupersedesRequestId,
    string? RedrawReason);

/// <summary>Schedules, cancels and annotates panel requests. The draw itself marks them Drawn or Failed.</summary>
public sealed class PanelRequestService(ExpertPoolDbContext db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<DrawOptions> options)
{
    /// <summary>The earliest a draw may be scheduled for a review starting at <paramref name="reviewStartsAt"/>.</summary>
    public static DateTime EarliestDraw(DateTime reviewStartsAt, DrawOptions options) => reviewStartsAt - options.MaxLeadTime;

    private static (string En, string Zh) LeadText(TimeSpan lead) => lead.TotalHours % 24 == 0 && lead.TotalHours >= 48
        ? ($"{lead.TotalDays:0} days", $"{lead.TotalDays:0} 天")
        : ($"{lead.TotalHours:0.#} hours", $"{lead.TotalHours:0.#} 小时");

    public async Task<PanelRequest> ScheduleAsync(PanelRequestInput input, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string reason)
        {
            errors.AddError(field, reason);
        }

        var project = input.ProjectId is { } pid ? await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pid, ct) : null;
        if (input.ProjectId is null)
            Fail("projectId", "必填 / is required");
        else if (project is null)
            Fail("projectId", $"项目 {input.ProjectId} 不存在 / unknown project '{input.ProjectId}'");
        else if (project.ReviewStartsAt <= now)
            Fail("reviewStartsAt", $"项目评审已于 {project.ReviewStartsAt:yyyy-MM-dd HH:mm} UTC 开始 / the project's review started at {project.ReviewStartsAt:O}, which is in the past");

        var supervisor = input.SupervisorName?.Trim() ?? "";
        if (supervisor.Length == 0)
            Fail("supervisorName", "必须指定监督人 / is required: a supervisor witnesses the draw");
        else if (supervisor.Length > PanelRequest.SupervisorMax)
            Fail("supervisorName", $"不能超过 {PanelRequest.SupervisorMax} 个字符 / must be at most {PanelRequest.SupervisorMax} characters");
        else if (Guard.TextProblem(supervisor, singleLine: true) is { } supervisorProblem)
            // A name on one line, without control, invisible or direction characters: it goes into the record, the
            // mails and the public page.
            Fail("supervisorName", supervisorProblem);
        else if (PersonalData.HoldsNumberOrAddress(supervisor))
            Fail("supervisorName", "只填监督人姓名（可加职务），不能包含手机号、身份证号或邮箱：监督人随结果公示 / the supervisor's name (and position) only, without a mobile number, ID number or email address: it is published with the result");

        var drawAt = input.ScheduledDrawAt?.ToUniversalTime();
        var deadline = input.ReplyDeadline?.ToUniversalTime();
        if (Guard.LacksOffset(input.ScheduledDrawAt))
        {
            Fail("scheduledDrawAt", Guard.OffsetRequired);
            drawAt = null;
        }
        else if (drawAt is null)
            Fail("scheduledDrawAt", "必填 / is required");
        else
        {
            if (drawAt <= now)
                Fail("scheduledDrawAt", "抽取时间不能早于当前时间 / must be in the future");
            if (project is not null && drawAt >= project.ReviewStartsAt)
                Fail("scheduledDrawAt", "抽取时间必须早于评审开始时间 / must be before the review starts");
            else if (project is not null && drawAt < EarliestDraw(project.ReviewStartsAt, options.Value))
                Fail("scheduledDrawAt", $"抽取时间不得早于评审开始前 {LeadText(options.Value.MaxLeadTime).Zh}，即不早于 {EarliestDraw(project.ReviewStartsAt, options.Value):yyyy-MM-dd HH:mm} UTC / must be no earlier than {LeadText(options.Value.MaxLeadTime).En} before the review starts, i.e. from {EarliestDraw(project.ReviewStartsAt, options.Value):yyyy-MM-dd HH:mm} UTC (Draws:MaxLeadTime)");
        }
        if (Guard.LacksOffset(input.ReplyDeadline))
            Fail("replyDeadline", Guard.OffsetRequired);
        else if (deadline is null)
            Fail("replyDeadline", "必填 / is required");
        else
        {
            if (project is not null && deadline > project.ReviewStartsAt)
                Fail("replyDeadline", "答复截止时间不能晚于评审开始时间 / must not be after the review starts");
            if (drawAt is not null && deadline <= drawAt)
                Fail("replyDeadline", "答复截止时间必须晚于抽取时间 / must be after the scheduled draw");
        }

        var quotas = await CheckQuotasAsync(input.Quotas, Fail, ct);

        PanelRequest? superseded = null;
        string? redrawReason = null;
        if (input.SupersedesRequestId is { } oldId)
        {
            superseded = await db.PanelRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == oldId, ct);
            redrawReason = input.RedrawReason?.Trim();
            if (string.IsNullOrEmpty(redrawReason))
                Fail("redrawReason", "重新抽取必须说明理由 / is required for a re-draw");
            else if (redrawReason.Length > PanelRequest.ReasonMax)
                Fail("redrawReason", $"不能超过 {PanelRequest.ReasonMax} 个字符 / must be at most {PanelRequest.ReasonMax} characters");
            else if (Guard.TextProblem(redrawReason, singleLine: false) is { } reasonProblem)
                // Free text, as a cancel reason: line breaks are kept, control characters refused.
                Fail("redrawReason", reasonProblem);
            if (superseded is null)
                Fail("supersedesRequestId", $"原抽取申请 {oldId} 不存在 / unknown panel request '{oldId}'");
            else if (project is not null && superseded.ProjectId != project.Id)
                Fail("supersedesRequestId", "原抽取申请属于其他项目 / belongs to another project");
        }
        else if (!string.IsNullOrWhiteSpace(input.RedrawReason))
            Fail("supersedesRequestId", "请指明被替代的抽取申请 / is required when a redrawReason is given");

        if (errors.Count > 0)
            throw new DomainValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

        await EnsureChainAsync(project!.Id, superseded, ct);
        var supplementary = await EnsureVacanciesAsync(project.Id, quotas, ct);

        var nonce = RandomNumberGenerator.GetBytes(DrawAlgorithm.NonceLength);
        var request = PanelRequest.Schedule(project.Id, quotas, deadline!.Value, drawAt!.Value, supervisor, actor, superseded?.Id, redrawReason, nonce, now, supplementary);
        db.PanelRequests.Add(request);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            throw new DomainConflictException("该抽取申请已被替代 / Another request superseded the same panel request at the same time.", ex);
        }
        return request;
    }

    /// <summary>
    /// One line of requests per project: a new request must supersede the latest finished one, so nobody can quietly
    /// schedule a second draw for the same project until the result suits them.
    /// </summary>
    private async Task EnsureChainAsync(Guid projectId, PanelRequest? superseded, CancellationToken ct)
    {
        var heads = await db.PanelRequests.AsNoTracking()
            .Where(r => r.ProjectId == projectId && !db.PanelRequests.Any(n => n.SupersedesRequestId == r.Id))
            .Select(r => new { r.Id, r.Status })
            .ToListAsync(ct);
        if (superseded is null)
        {
            if (heads.Count > 0)
                throw new DomainConflictException(
                    $"该项目已有抽取申请 {heads[0].Id}（{heads[0].Status}），重新抽取须引用该申请并说明理由 / The project already has panel request {heads[0].Id} ({heads[0].Status}); a new one must supersede it with a reason.",
                    new Dictionary<string, object?> { ["existingRequestId"] = heads[0].Id });
            return;
        }
        if (!superseded.IsFinished)
            throw new DomainConflictException(
                $"原抽取申请 {superseded.Id} 尚未结束（{superseded.Status}），请先取消或完成抽取 / Panel request {superseded.Id} is still {superseded.Status}: cancel it or draw it before a re-draw.",
                new Dictionary<string, object?> { ["supersedesRequestId"] = superseded.Id, ["status"] = superseded.Status.ToString() });
        if (!heads.Exists(h => h.Id == superseded.Id))
            throw new DomainConflictException(
                $"原抽取申请 {superseded.Id} 已被替代，重新抽取须引用最新的申请 / Panel request {superseded.Id} was already superseded; a re-draw must reference the latest request.",
                new Dictionary<string, object?> { ["supersedesRequestId"] = superseded.Id });
    }

    /// <summary>
    /// The project's panel stays in force while anyone drawn for it is still invited or confirmed, whichever request they
    /// were drawn by. A new request is then a supplementary draw (补抽) only: for seats of that panel left empty because
    /// their quota's backups ran out, quota by quota (same specialty and region), and for no more experts than there are
    /// such seats. Otherwise one could draw a second panel while the first is being filled, and keep whichever suits; going
    /// through a cancelled or failed request in between changes nothing. Withdrawing the draws (which cancels their open
    /// seats) ends the panel, and any re-draw may follow. Returns whether the new request is supplementary.
    /// </summary>
    private async Task<bool> EnsureVacanciesAsync(Guid projectId, List<PanelQuota> quotas, CancellationToken ct)
    {
        var draws = await db.DrawRecords.AsNoTracking().Where(d => d.ProjectId == projectId)
            .Select(d => new { d.Id, d.PanelRequestId }).ToListAsync(ct);
        if (draws.Count == 0)
            return false;
        var drawIds = draws.Select(d => d.Id).ToList();
        var invitations = await db.Invitations.AsNoTracking().Where(i => drawIds.Contains(i.DrawRecordId))
            .Select(i => new { i.DrawRecordId, i.QuotaKey, i.ExpertId, Live = i.Status == Invitations.InvitationStatus.Pending || i.Status == Invitations.InvitationStatus.Confirmed })
            .ToListAsync(ct);
        if (!invitations.Exists(i => i.Live))
            return false;

        // Each draw's quotas by (specialty, region): the seats of the panel are those of the latest drawn request that was
        // not itself supplementary; supplementary draws fill them.
        var requestIds = draws.Select(d => d.PanelRequestId).ToList();
        var requests = await db.PanelRequests.AsNoTracking().Include(r => r.Quotas).Where(r => requestIds.Contains(r.Id) && r.Status == PanelRequestStatus.Drawn)
            .ToListAsync(ct);
        var root = requests.Where(r => !r.Supplementary).OrderBy(r => r.CreatedAt).LastOrDefault();
        if (root is null)
            return false;
        var drawOfRequest = draws.ToDictionary(d => d.PanelRequestId, d => d.Id);
        var keyOf = new Dictionary<(Guid DrawId, string QuotaKey), (string, string?)>();
        foreach (var r in requests)
        {
            foreach (var q in r.Quotas)
                keyOf[(drawOfRequest[r.Id], q.Key)] = (q.SpecialtyCode, q.RegionCode);
        }
        // Backups can fill a seat only from the panel in force: the root's draw and the supplementary draws made for it
        // (each supersedes the root or an earlier one of them), none withdrawn. Backups of a draw that was withdrawn, or
        // of the request the root superseded, are never invited again.
        var chain = new HashSet<Guid> { root.Id };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var r in requests.Where(r => r.Supplementary && r.SupersedesRequestId is { } parent && chain.Contains(parent) && !chain.Contains(r.Id)))
                grew |= chain.Add(r.Id);
        }
        var withdrawn = await db.DrawWithdrawals.AsNoTracking().Where(w => drawIds.Contains(w.DrawRecordId)).Select(w => w.DrawRecordId).ToListAsync(ct);
        var inForce = draws.Where(d => chain.Contains(d.PanelRequestId) && !withdrawn.Contains(d.Id)).Select(d => d.Id).ToList();
        var backups = await db.DrawSelections.AsNoTracking().Where(s => inForce.Contains(s.DrawRecordId) && s.Role == SelectionRole.Backup)
            .Select(s => new { s.DrawRecordId, s.QuotaKey, s.ExpertId }).ToListAsync(ct);
        var invited = invitations.Select(i => (i.DrawRecordId, i.ExpertId)).ToHashSet();
        var vacant = new Dictionary<(string, string?), int>();
        foreach (var seat in root.Quotas)
        {
            var key = (seat.SpecialtyCode, seat.RegionCode);
            var live = invitations.Count(i => i.Live && keyOf.GetValueOrDefault((i.DrawRecordId, i.QuotaKey)) == key);
            var backupsLeft = backups.Count(b => keyOf.GetValueOrDefault((b.DrawRecordId, b.QuotaKey)) == key
                && !invited.Contains((b.DrawRecordId, b.ExpertId)));
            if (live < seat.Count && backupsLeft == 0)
                vacant[key] = seat.Count - live;
        }
        var rootDraw = drawOfRequest[root.Id];
        if (vacant.Count == 0)
        {
            throw new DomainConflictException(
                $"原抽取名单（抽取申请 {root.Id}）仍有效且无空缺，补抽仅用于候补用尽后的空缺；如需重新抽取，请先撤回原抽取 / The project's panel (drawn by request {root.Id}) is in force, with experts invited or confirmed, and no seat is left empty: a supplementary draw is for seats whose backups ran out. To draw again, withdraw the draw first (POST /api/draws/{rootDraw}/withdraw).",
                new Dictionary<string, object?> { ["panelRequestId"] = root.Id, ["drawId"] = rootDraw });
        }
        var errors = new Dictionary<string, List<string>>();
        var open = string.Join(", ", vacant.Select(v => $"{v.Key.Item1}{(v.Key.Item2 is null ? "" : "@" + v.Key.Item2)} ×{v.Value}"));
        for (var i = 0; i < quotas.Count; i++)
        {
            var key = (quotas[i].SpecialtyCode, quotas[i].RegionCode);
            if (!vacant.TryGetValue(key, out var seats))
                errors.AddError($"quotas[{i}]", $"原名单该专业（地区）没有空缺，空缺为：{open} / the panel in force has no empty seat for {key.SpecialtyCode}{(key.RegionCode is null ? "" : " in region " + key.RegionCode)}; empty seats: {open}");
            else if (quotas[i].Count > seats)
                errors.AddError($"quotas[{i}].count", $"补抽人数不能超过专业 {key.SpecialtyCode} 的空缺名额（{seats}） / a supplementary draw fills at most the {seats} empty seat(s) of {key.SpecialtyCode}");
        }
        if (errors.Count > 0)
            throw new DomainValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        return true;
    }

    private async Task<List<PanelQuota>> CheckQuotasAsync(IReadOnlyList<PanelQuotaInput>? input, Action<string, string> fail, CancellationToken ct)
    {
        var list = input ?? [];
        if (list.Count == 0)
        {
            fail("quotas", "至少需要一个专业名额 / at least one quota is required");
            return [];
        }
        if (list.Count > PanelRequest.MaxQuotas)
        {
            fail("quotas", $"最多 {PanelRequest.MaxQuotas} 个专业名额 / at most {PanelRequest.MaxQuotas} quotas");
            return [];
        }
        if (list.Any(q => q is null))
        {
            fail("quotas", "不能包含空项 / must not contain null entries");
            return [];
        }
        var codes = list.Select(q => q.SpecialtyCode?.Trim().ToUpperInvariant() ?? "").Distinct().ToList();
        var regions = list.Select(q => q.RegionCode?.Trim() ?? "").Where(r => r.Length > 0).Distinct().ToList();
        var knownCodes = (await db.Specialties.Where(s => codes.Contains(s.Code)).Select(s => s.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var knownRegions = (await db.Regions.Where(r => regions.Contains(r.Code)).Select(r => r.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var quotas = new List<PanelQuota>();
        var seen = new HashSet<(string, string?)>();
        for (var i = 0; i < list.Count; i++)
        {
            var q = list[i];
            var f = $"quotas[{i}]";
            var code = q.SpecialtyCode?.Trim().ToUpperInvariant() ?? "";
            var region = string.IsNullOrWhiteSpace(q.RegionCode) ? null : q.RegionCode.Trim();
            var ok = true;
            void Bad(string field, string reason)
            {
                ok = false;
                fail(field, reason);
            }
            if (code.Length == 0)
                Bad($"{f}.specialtyCode", "必填 / is required");
            else if (!knownCodes.Contains(code))
                Bad($"{f}.specialtyCode", $"专业代码 {code} 不存在 / unknown specialty code '{code}'");
            if (region is not null && !knownRegions.Contains(region))
                Bad($"{f}.regionCode", $"行政区划代码 {region} 不存在 / unknown region code '{region}'");
            if (q.Count is null or < 1)
                Bad($"{f}.count", "抽取人数至少为1 / must be at least 1");
            else if (q.Count > PanelQuota.MaxCount)
                Bad($"{f}.count", $"抽取人数不能超过 {PanelQuota.MaxCount} / must be at most {PanelQuota.MaxCount}");
            if (q.Backups is < 0)
                Bad($"{f}.backups", "候补人数不能为负 / must not be negative");
            else if (q.Backups > PanelQuota.MaxBackups)
                Bad($"{f}.backups", $"候补人数不能超过 {PanelQuota.MaxBackups} / must be at most {PanelQuota.MaxBackups}");
            if (!seen.Add((code, region)))
                Bad(f, $"与前面的名额重复（专业 {code}{(region is null ? "" : "，地区 " + region)}） / repeats the specialty {code}{(region is null ? "" : " in region " + region)} of an earlier quota");
            if (ok)
                quotas.Add(new PanelQuota(i + 1, code, region, q.Count!.Value, q.Backups ?? PanelRequest.DefaultBackups));
        }
        return quotas;
    }

    public async Task<PanelRequest> CancelAsync(Guid id, string? reason, string actor, CancellationToken ct)
    {
        var request = await db.PanelRequests.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Panel request", id);
        request.Cancel(reason, actor, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return request;
    }

    public async Task<ManualExclusion> ExcludeAsync(Guid id, Guid? expertId, string? reason, string actor, CancellationToken ct)
    {
        // Under the same lock as entering entropy (and the draw), so an exclusion cannot slip in beside the entropy.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.BeginSnapshotTransactionAsync(ct) : null;
        var request = await db.PanelRequests.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Panel request", id);
        if (expertId is null)
            throw new DomainValidationException("expertId", "必填 / is required");
        if (!await db.Experts.AnyAsync(e => e.Id == expertId, ct))
            throw new DomainValidationException("expertId", $"专家 {expertId} 不存在 / unknown expert '{expertId}'");
        var exclusion = ManualExclusion.Create(request, expertId.Value, reason, actor, clock.GetUtcNow().UtcDateTime);
        // Once the entropy is known (or the draw is due and may take the fallback), whoever can read the nonce can compute
        // the panel: an exclusion added then could steer it. The pool is frozen from that moment (decision 017).
        if (exclusion.CreatedAt >= request.ScheduledDrawAt || await db.DrawEntropies.AnyAsync(e => e.PanelRequestId == id, ct))
            throw new DomainConflictException("已录入外部随机数或已到抽取时间，候选范围已冻结，不能再添加回避 / External entropy has been entered or the draw is due: the pool is frozen and no exclusion can be added; cancel the request with a reason and schedule a new one.");
        if (await db.ManualExclusions.AnyAsync(x => x.PanelRequestId == id && x.ExpertId == expertId, ct))
            throw new DomainConflictException("该专家已被排除 / The expert is already excluded from this panel request.");
        db.ManualExclusions.Add(exclusion);
        db.RewriteRequestRow(request);
        try
        {
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
                await transaction.CommitAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            throw new DomainConflictException("该专家已被排除或抽取申请已变化，请刷新 / The expert is already excluded, or the request changed at the same moment.", ex);
        }
        return exclusion;
    }
}
