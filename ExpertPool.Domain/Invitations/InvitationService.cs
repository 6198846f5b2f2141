using ExpertPool.Domain.Common;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Invitations;

/// <summary>What the response page shows for a link: the invitation, the project by code, and the parties to declare a conflict with.</summary>
public sealed record InvitationView(
    Invitation Invitation,
    string ExpertName,
    string Language,
    string ProjectCode,
    EngagementType EngagementType,
    DateTime ReviewStartsAt,
    string Place,
    IReadOnlyList<(Guid OrganisationId, string Name)> Parties);

/// <summary>
/// Invitations after a draw, the experts' answers, expiry and replacement by the next backup (递补), reminders, and
/// the administrator's notices. Every method adds its notices to the outbox in the same SaveChanges as the state
/// change that causes them (see <see cref="NoticeOutbox"/>), so a notice is never lost nor sent for a change that
/// did not happen.
/// </summary>
public sealed class InvitationService(
    ExpertPoolDbContext db,
    NoticeOutbox outbox,
    InvitationTokens tokens,
    EligibilityService eligibility,
    TimeProvider clock,
    IOptions<InvitationOptions> options,
    ILogger<InvitationService> logger)
{
    private InvitationOptions Options => options.Value;

    /// <summary>
    /// Adds invitations (and their notices) for every member of a succeeded draw, without saving: the draw executor
    /// saves them together with the draw record.
    /// </summary>
    public async Task AddForDrawAsync(DrawRecord draw, PanelRequest request, Project project, CancellationToken ct)
    {
        if (draw.Outcome != DrawRecordOutcome.Succeeded)
            return;
        var members = draw.Selections.Where(s => s.Role == SelectionRole.Member).ToList();
        var ids = members.Select(m => m.ExpertId).ToList();
        var experts = await db.Experts.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var now = Now;
        foreach (var seat in members.OrderBy(m => m.QuotaKey, StringComparer.Ordinal).ThenBy(m => m.Rank))
            Invite(draw, request, project, experts[seat.ExpertId], seat, null, now);
    }

    public async Task<InvitationView?> ViewAsync(Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is null)
            return null;
        var expert = await db.Experts.AsNoTracking().FirstAsync(e => e.Id == invitation.ExpertId, ct);
        var project = await db.Projects.AsNoTracking().Include(p => p.Parties).FirstAsync(p => p.Id == invitation.ProjectId, ct);
        var partyIds = project.Parties.Select(p => p.OrganisationId).ToList();
        var parties = await db.Organisations.AsNoTracking().Where(o => partyIds.Contains(o.Id)).OrderBy(o => o.Name)
            .Select(o => new { o.Id, o.Name }).ToListAsync(ct);
        return new InvitationView(invitation, expert.Name, expert.PreferredLanguage, project.Code, project.EngagementType, project.ReviewStartsAt, project.Place,
            parties.Select(p => (p.Id, p.Name)).ToList());
    }

    /// <summary>
    /// The expert confirms: an engagement is recorded, a receipt with a calendar file is sent, and the administrator hears
    /// when the panel is complete. An expert who is no longer fit to serve (suspended or removed since the draw, term over
    /// by the review, a conflict declared with a party) cannot confirm: the invitation is cancelled with that reason and
    /// the seat passes to the next backup in rank order, as for a decline.
    /// </summary>
    public async Task<Invitation> ConfirmAsync(Guid invitationId, CancellationToken ct)
    {
        try
        {
            return await ConfirmOnceAsync(invitationId, ct);
        }
        catch (ReplacementRaceException)
        {
            // An unfit expert's seat was being handed to the same backup by a concurrent decline: start again from what is stored.
            db.ChangeTracker.Clear();
            return await ConfirmOnceAsync(invitationId, ct);
        }
    }

    private async Task<Invitation> ConfirmOnceAsync(Guid invitationId, CancellationToken ct)
    {
        var (invitation, expert, project, request) = await LoadAsync(invitationId, ct);
        var now = Now;
        var rules = new RulesNow();
        if (invitation.Status == InvitationStatus.Pending && await NoLongerEligibleAsync(expert, project, request, invitation.DrawRecordId, invitation.QuotaKey, rules, confirming: true, ct) is { } unfit)
        {
            invitation.Cancel($"确认时已不符合条件 / not eligible when confirming: {unfit}", "system", now);
            await ReplaceAsync(invitation, project, request, now, ct, rules);
            await SaveAsync(ct);
            logger.LogInformation("Invitation {InvitationId}: the expert is no longer eligible and could not confirm; the seat passes on.", invitation.Id);
            return invitation;
        }
        invitation.Confirm(now);
        var applicant = project.Parties.FirstOrDefault(p => p.Role == PartyRole.Applicant)?.OrganisationId;
        db.ExpertEngagements.Add(ExpertEngagement.Confirm(expert.Id, project.Id, request.Id, applicant, project.ReviewDate, now));
        var start = Utc(project.ReviewStartsAt);
        outbox.Enqueue(db, Recipient(expert), NoticeTemplates.Confirmation(new ConfirmationNotice(
            expert.Name, expert.PreferredLanguage, project.EngagementType.ToString(), project.Code, start, start + Options.ReviewDuration, project.Place,
            EventUid(invitation), new DateTimeOffset(now, TimeSpan.Zero))), invitation.Id.ToString());
        await NotifyIfCompleteAsync(invitation, project, request, ct);
        await SaveAsync(ct);
        return invitation;
    }

    /// <summary>
    /// The expert declines. "I have a conflict" records a declared conflict with the chosen party. The seat goes to the
    /// next backup of the same quota in rank order.
    /// </summary>
    public async Task<Invitation> DeclineAsync(Guid invitationId, DeclineKind kind, string? reason, Guid? conflictOrganisationId, CancellationToken ct)
    {
        try
        {
            return await DeclineOnceAsync(invitationId, kind, reason, conflictOrganisationId, ct);
        }
        catch (ReplacementRaceException)
        {
            // Another seat of the same quota was handed to the same backup a moment ago: start again from what is stored.
            db.ChangeTracker.Clear();
            return await DeclineOnceAsync(invitationId, kind, reason, conflictOrganisationId, ct);
        }
    }

    private async Task<Invitation> DeclineOnceAsync(Guid invitationId, DeclineKind kind, string? reason, Guid? conflictOrganisationId, CancellationToken ct)
    {
        var (invitation, expert, project, request) = await LoadAsync(invitationId, ct);
        if (kind == DeclineKind.Conflict && conflictOrganisationId is { } org && project.Parties.All(p => p.OrganisationId != org))
            throw new DomainValidationException("conflictOrganisationId", "须为项目相关单位 / must be one of the project's parties");
        var now = Now;
        invitation.Decline(kind, reason, conflictOrganisationId, now);
        if (kind == DeclineKind.Conflict)
            db.DeclaredConflicts.Add(DeclaredConflict.FromDeclinedInvitation(expert.Id, conflictOrganisationId!.Value, request.Id,
                string.IsNullOrWhiteSpace(reason) ? "因回避谢绝邀请 / declined the invitation for a conflict of interest" : reason, $"expert:{expert.Id}", now));
        await ReplaceAsync(invitation, project, request, now, ct);
        await SaveAsync(ct);
        return invitation;
    }

    /// <summary>Expires every pending invitation past its deadline and invites the next backup for each. Returns how many expired.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var now = Now;
        var due = await db.Invitations.Where(i => i.Status == InvitationStatus.Pending && i.Deadline <= now).OrderBy(i => i.Deadline).Take(100).ToListAsync(ct);
        if (due.Count == 0)
            return 0;
        // The batch's projects and requests in two queries (replacement only reads them).
        var projectIds = due.Select(i => i.ProjectId).Distinct().ToList();
        var projects = await db.Projects.AsNoTracking().Include(p => p.Parties).Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var requestIds = due.Select(i => i.PanelRequestId).Distinct().ToList();
        var requests = await db.PanelRequests.AsNoTracking().Where(r => requestIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var expired = 0;
        // One evaluation of the rules per request in the batch: a request's own seats do not change its eligibility.
        var evaluations = new Dictionary<Guid, RulesNow>();
        foreach (var invitation in due)
        {
            var (project, request) = (projects[invitation.ProjectId], requests[invitation.PanelRequestId]);
            invitation.Expire(now);
            if (!evaluations.TryGetValue(request.Id, out var rules))
                evaluations[request.Id] = rules = new RulesNow();
            await ReplaceAsync(invitation, project, request, now, ct, rules);
            try
            {
                await SaveAsync(ct);
            }
            catch (ReplacementRaceException)
            {
                // A decline took the same backup at the same moment; this invitation is picked up again next run. Clearing
                // the tracker detaches the rest of the batch too, and a detached invitation's expiry would not be saved
                // while its replacement would (the seat filled twice), so the rest waits for the next run as well.
                db.ChangeTracker.Clear();
                break;
            }
            expired++;
            logger.LogInformation("Invitation {InvitationId} expired unanswered; seat {Quota} passed on.", invitation.Id, invitation.QuotaKey);
        }
        return expired;
    }

    /// <summary>
    /// Queues a reminder for each pending invitation that is within <see cref="InvitationOptions.ReminderBefore"/> of its
    /// deadline, unless it was itself sent within that time (the invitation then is the reminder).
    /// </summary>
    public async Task<int> RemindDueAsync(CancellationToken ct)
    {
        var now = Now;
        var from = now + Options.ReminderBefore;
        var leadSeconds = Options.ReminderBefore.TotalSeconds;
        // An invitation sent within the lead time of its deadline (a backup invited late, a short reply window) already
        // says when to answer by: a "reminder" seconds after it would be a second mail with nothing new. Filtered in SQL,
        // so that many such invitations cannot fill the batch and keep the others from their reminder.
        var due = await db.Invitations
            .Where(i => i.Status == InvitationStatus.Pending && i.ReminderQueuedAt == null && i.Deadline <= from && i.Deadline > now
                && i.InvitedAt.AddSeconds(leadSeconds) < i.Deadline)
            .OrderBy(i => i.Deadline).Take(200).ToListAsync(ct);
        if (due.Count == 0)
            return 0;
        var expertIds = due.Select(i => i.ExpertId).Distinct().ToList();
        var experts = await db.Experts.AsNoTracking().Where(e => expertIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var projectIds = due.Select(i => i.ProjectId).Distinct().ToList();
        var projects = await db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        foreach (var invitation in due)
        {
            var (expert, project) = (experts[invitation.ExpertId], projects[invitation.ProjectId]);
            var (confirm, decline) = Links(invitation);
            outbox.Enqueue(db, Recipient(expert), NoticeTemplates.Reminder(new ReminderNotice(
                expert.Name, expert.PreferredLanguage, project.EngagementType.ToString(), project.Code, Utc(project.ReviewStartsAt), project.Place,
                Utc(invitation.Deadline), confirm, decline)), invitation.Id.ToString());
            invitation.MarkReminderQueued(now);
        }
        await SaveAsync(ct);
        return due.Count;
    }

    /// <summary>
    /// The review is off (cancelled or moved): every open or confirmed invitation of the draw is cancelled and each
    /// expert gets a cancellation notice; the confirmed seats' engagements no longer count towards the workload cap
    /// and the cooldown. The draw record itself is never changed; the withdrawal is kept beside it, in the same
    /// transaction as the cancellations.
    /// </summary>
    /// <summary>
    /// An administrator releases one seat (the expert has called to say they cannot come, or a conflict came to light):
    /// the pending or confirmed invitation is cancelled with the reason, the expert is told (a confirmed one's calendar
    /// event is cancelled), a confirmed seat's engagement is removed, and the seat passes to the next eligible backup in
    /// rank order as after a decline. Refused once the review has started.
    /// </summary>
    public async Task<Invitation> ReleaseSeatAsync(Guid invitationId, string? reason, string actor, CancellationToken ct)
    {
        var why = Guard.Required(reason, "reason", Invitation.ReasonMax);
        var (invitation, expert, project, request) = await LoadAsync(invitationId, ct);
        var now = Now;
        if (now >= project.ReviewStartsAt)
        {
            throw new DomainConflictException(
                $"评审已于 {NoticeTemplates.Time(Utc(project.ReviewStartsAt), false)} 开始，席位不能再释放 / The review started at {NoticeTemplates.Time(Utc(project.ReviewStartsAt), true)}: its seats can no longer be released.");
        }
        if (invitation.Status is not (InvitationStatus.Pending or InvitationStatus.Confirmed))
            throw new DomainConflictException($"该邀请状态为 {invitation.Status}，没有可释放的席位 / The invitation is {invitation.Status}: there is no seat to release.");
        if (invitation.Status == InvitationStatus.Confirmed)
        {
            db.ExpertEngagements.RemoveRange(await db.ExpertEngagements
                .Where(e => e.PanelRequestId == invitation.PanelRequestId && e.ExpertId == expert.Id).ToListAsync(ct));
        }
        CancelAndTell(invitation, expert, project, why, actor, now);
        await ReplaceAsync(invitation, project, request, now, ct);
        await SaveAsync(ct);
        logger.LogInformation("Invitation {InvitationId}: seat {Quota} released by {Actor}; passed on.", invitation.Id, invitation.QuotaKey, actor);
        return invitation;
    }

    public async Task<DrawWithdrawal> WithdrawDrawAsync(Guid drawId, string? reason, string actor, CancellationToken ct)
    {
        var why = Guard.Required(reason, "reason", Invitation.ReasonMax);
        var requestId = await db.DrawRecords.Where(d => d.Id == drawId).Select(d => (Guid?)d.PanelRequestId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Draw", drawId);
        var project = await db.PanelRequests.Where(r => r.Id == requestId)
            .Join(db.Projects.AsNoTracking(), r => r.ProjectId, p => p.Id, (_, p) => p).FirstAsync(ct);
        // Once the review has started the panel sat (or is sitting): withdrawing it then would cancel seats that were
        // served, drop their engagements from the workload cap and the cooldown, and mail "no need to attend" too late.
        if (Now >= project.ReviewStartsAt)
        {
            throw new DomainConflictException(
                $"评审已于 {NoticeTemplates.Time(Utc(project.ReviewStartsAt), false)} 开始，抽取结果不能再撤回 / The review started at {NoticeTemplates.Time(Utc(project.ReviewStartsAt), true)}: its draw can no longer be withdrawn.");
        }
        var open = await db.Invitations
            .Where(i => i.DrawRecordId == drawId && (i.Status == InvitationStatus.Pending || i.Status == InvitationStatus.Confirmed))
            .ToListAsync(ct);
        if (open.Count == 0)
        {
            // Withdrawn before, failed (no panel), or every seat already declined or expired: a second reason would be lost.
            throw new DomainConflictException("该抽取没有待答复或已确认的邀请，无需撤回 / The draw has no pending or confirmed invitation left to withdraw.");
        }
        var ids = open.Select(i => i.ExpertId).ToList();
        var experts = await db.Experts.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        // A confirmed seat of a review that is off is no engagement: the workload cap and the cooldown must not count it.
        // The invitation keeps the history (Cancelled, when it was confirmed, who cancelled it and why); the engagement row
        // goes, and the triggers lower the per-year counts with it.
        var confirmed = open.Where(i => i.Status == InvitationStatus.Confirmed).Select(i => i.ExpertId).ToList();
        if (confirmed.Count > 0)
        {
            db.ExpertEngagements.RemoveRange(await db.ExpertEngagements
                .Where(e => e.PanelRequestId == requestId && confirmed.Contains(e.ExpertId)).ToListAsync(ct));
        }
        var now = Now;
        foreach (var invitation in open)
            CancelAndTell(invitation, experts[invitation.ExpertId], project, why, actor, now);
        // A second withdrawal racing this one finds the same open invitations; the unique index on the draw (and the
        // invitations' versions) let only one of them commit.
        var withdrawal = DrawWithdrawal.Create(drawId, why, actor, now, open.Count);
        db.DrawWithdrawals.Add(withdrawal);
        await SaveAsync(ct);
        logger.LogInformation("Draw {DrawId} withdrawn: {Count} invitation(s) cancelled.", drawId, open.Count);
        return withdrawal;
    }

    /// <summary>
    /// An expert who is no longer Active (suspended, removed, retired) gives up every seat of a review that has not
    /// started: pending and confirmed invitations are cancelled with why, a confirmed seat's engagement goes (as on a
    /// withdrawal), the expert is told (a confirmed one's calendar event is cancelled), and each seat passes to the next
    /// backup of its quota in rank order. Adds the changes without saving: they commit with the status change.
    /// The administrator's reason for the change is not repeated to the expert.
    /// </summary>
    /// <returns>How many seats were given up.</returns>
    public async Task<int> ReleaseSeatsAsync(Expert expert, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(expert);
        if (expert.Status == ExpertStatus.Active)
            return 0;
        var open = await db.Invitations
            .Where(i => i.ExpertId == expert.Id && (i.Status == InvitationStatus.Pending || i.Status == InvitationStatus.Confirmed))
            .ToListAsync(ct);
        if (open.Count == 0)
            return 0;
        var now = Now;
        var projectIds = open.Select(i => i.ProjectId).Distinct().ToList();
        var projects = await db.Projects.AsNoTracking().Include(p => p.Parties).Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var requestIds = open.Select(i => i.PanelRequestId).Distinct().ToList();
        var requests = await db.PanelRequests.AsNoTracking().Where(r => requestIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var why = $"专家状态已变更为「{ExpertVocabulary.Label(expert.Status)}」，席位由候补专家递补 / the expert's status changed to {expert.Status}; the seat passes to the next backup";
        var released = 0;
        // A review that has started keeps its panel as it sat.
        foreach (var invitation in open.Where(i => now < projects[i.ProjectId].ReviewStartsAt).OrderBy(i => i.InvitedAt))
        {
            var (project, request) = (projects[invitation.ProjectId], requests[invitation.PanelRequestId]);
            if (invitation.Status == InvitationStatus.Confirmed)
            {
                db.ExpertEngagements.RemoveRange(await db.ExpertEngagements
                    .Where(e => e.PanelRequestId == invitation.PanelRequestId && e.ExpertId == expert.Id).ToListAsync(ct));
            }
            CancelAndTell(invitation, expert, project, why, actor, now);
            await ReplaceAsync(invitation, project, request, now, ct);
            released++;
            logger.LogInformation("Invitation {InvitationId}: the expert is now {Status}; seat {Quota} passed on.", invitation.Id, expert.Status, invitation.QuotaKey);
        }
        return released;
    }

    /// <summary>
    /// The safety net behind <see cref="ReleaseSeatsAsync"/>: every seat still held (pending or confirmed, review not
    /// started) by an expert who is not Active is given up the same way. A status change gives up its seats in its own
    /// commit, but one committing while a seat was being offered to that expert finds nothing to give up, and a status
    /// written by any other path gives up nothing at all. Up to 50 experts per run, one commit each.
    /// </summary>
    public async Task<int> ReleaseSeatsOfInactiveAsync(CancellationToken ct)
    {
        var now = Now;
        var holders = await (from i in db.Invitations
                             where i.Status == InvitationStatus.Pending || i.Status == InvitationStatus.Confirmed
                             join e in db.Experts on i.ExpertId equals e.Id
                             where e.Status != ExpertStatus.Active
                             join p in db.Projects on i.ProjectId equals p.Id
                             where p.ReviewStartsAt > now
                             select e.Id).Distinct().OrderBy(id => id).Take(50).ToListAsync(ct);
        var released = 0;
        foreach (var id in holders)
        {
            var expert = await db.Experts.AsNoTracking().FirstAsync(e => e.Id == id, ct);
            var count = await ReleaseSeatsAsync(expert, "system", ct);
            try
            {
                await SaveAsync(ct);
            }
            catch (DomainConflictException)
            {
                // An answer or a replacement for one of these seats was saved at the same moment: the next run tries again.
                db.ChangeTracker.Clear();
                break;
            }
            released += count;
        }
        return released;
    }

    /// <summary>
    /// Cancels a pending or confirmed seat and mails the expert why (numbers and addresses in the reason masked: the
    /// administrator's words may name someone); a confirmed expert got a calendar event with the receipt (same UID), which
    /// the mail cancels. The engagement of a confirmed seat is the caller's to remove.
    /// </summary>
    private void CancelAndTell(Invitation invitation, Expert expert, Project project, string why, string actor, DateTime now)
    {
        var start = Utc(project.ReviewStartsAt);
        var calendar = invitation.Status == InvitationStatus.Confirmed
            ? new CancelledEvent(EventUid(invitation), start + Options.ReviewDuration, new DateTimeOffset(now, TimeSpan.Zero), Options.AdministratorEmail, expert.Email)
            : null;
        invitation.Cancel(why, actor, now);
        outbox.Enqueue(db, Recipient(expert), NoticeTemplates.Cancellation(new CancellationNotice(
            expert.Name, expert.PreferredLanguage, project.EngagementType.ToString(), project.Code, start, project.Place, PersonalData.MaskIn(why), calendar)),
            invitation.Id.ToString());
    }

    /// <summary>Tells the administrator once that a draw is waiting for external entropy.</summary>
    public async Task NotifyWaitingForEntropyAsync(PanelRequest request, CancellationToken ct)
    {
        var correlation = $"panel-request:{request.Id}:waiting-for-entropy";
        if (await db.Set<OutboxMessage>().AnyAsync(m => m.CorrelationId == correlation, ct))
            return;
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == request.ProjectId, ct);
        var text = $"""
            {Options.AdministratorName}：
            项目 {project.Code} 的抽取（计划 {NoticeTemplates.Time(Utc(request.ScheduledDrawAt), false)}）已到时间，但监督人尚未录入外部随机数，抽取暂缓。请监督人录入后系统将自动抽取。

            The draw for project {project.Code} (scheduled {NoticeTemplates.Time(Utc(request.ScheduledDrawAt), true)}) is due, but the supervisor has not entered the external entropy yet. The draw waits and runs as soon as it is entered.
            """;
        var html = "<p>" + System.Net.WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>";
        outbox.Enqueue(db, new NoticeRecipient(Options.AdministratorEmail, Options.AdministratorName),
            new RenderedNotice(NoticeKind.AdminSummary, NoticeTemplates.Bilingual, $"【待录入随机数 Entropy needed】{project.Code}", text, html), correlation);
        await SaveAsync(ct);
    }

    /// <summary>
    /// The shortest reply window a backup is given. A seat that falls vacant closer than this to the review start (or after
    /// it) is not passed to a backup: they could not answer before the review, and no deadline may pass the review start.
    /// </summary>
    public static readonly TimeSpan MinimumReplyWindow = TimeSpan.FromMinutes(5);

    private async Task ReplaceAsync(Invitation vacated, Project project, PanelRequest request, DateTime now, CancellationToken ct, RulesNow? evaluated = null)
    {
        var draw = await db.DrawRecords.AsNoTracking().Include(d => d.Selections).FirstAsync(d => d.Id == vacated.DrawRecordId, ct);
        var tooLate = now > project.ReviewStartsAt - MinimumReplyWindow;
        if (!tooLate)
        {
            var invited = await db.Invitations.Where(i => i.DrawRecordId == draw.Id).Select(i => i.ExpertId).ToListAsync(ct);
            invited.AddRange(db.Invitations.Local.Where(i => i.DrawRecordId == draw.Id).Select(i => i.ExpertId));
            var candidates = draw.Selections
                .Where(s => s.QuotaKey == vacated.QuotaKey && s.Role == SelectionRole.Backup && !invited.Contains(s.ExpertId))
                .OrderBy(s => s.Rank)
                .ToList();
            var rules = evaluated ?? new RulesNow();
            foreach (var next in candidates)
            {
                var expert = await db.Experts.AsNoTracking().FirstAsync(e => e.Id == next.ExpertId, ct);
                var reason = await NoLongerEligibleAsync(expert, project, request, draw.Id, next.QuotaKey, rules, confirming: false, ct);
                if (reason is null)
                {
                    Invite(draw, request, project, expert, next, vacated.Id, now);
                    return;
                }
                // Passed over in rank order, with the reason, so the 递补 sequence stays auditable.
                db.Invitations.Add(Invitation.Skip(draw, next, vacated.Id, reason, now));
                logger.LogInformation("Draw {DrawId} quota {Quota}: backup {Rank} passed over: {Reason}", draw.Id, next.QuotaKey, next.Rank, reason);
            }
        }
        var correlation = $"draw:{draw.Id}:{vacated.QuotaKey}:{(tooLate ? "too-late-to-replace" : "backups-exhausted")}";
        if (await db.Set<OutboxMessage>().AnyAsync(m => m.CorrelationId == correlation, ct))
            return;
        var (confirmed, required, names, pending) = await PanelStateAsync(draw, request, ct);
        outbox.Enqueue(db, new NoticeRecipient(Options.AdministratorEmail, Options.AdministratorName), NoticeTemplates.AdminSummary(new AdminSummaryNotice(
            Options.AdministratorName, project.EngagementType.ToString(), project.Code, project.Name, Utc(project.ReviewStartsAt),
            tooLate ? AdminSummaryOutcome.TooLateToReplace : AdminSummaryOutcome.BackupsExhausted, confirmed, required, names,
            new Uri(Options.PublicBaseUrl, $"api/draws/{draw.Id}"), pending)), correlation);
        if (tooLate)
            logger.LogWarning("Draw {DrawId} quota {Quota}: a seat fell vacant too close to the review start to be filled; administrator told.", draw.Id, vacated.QuotaKey);
        else
            logger.LogWarning("Draw {DrawId} quota {Quota}: no backup left; administrator told to make a supplementary draw.", draw.Id, vacated.QuotaKey);
    }

    /// <summary>The conflict rules evaluated again for a request, once per replacement or confirmation (a full evaluation).</summary>
    private sealed class RulesNow
    {
        public bool Evaluated { get; set; }
        public EligibilityReport? Report { get; set; }
    }

    /// <summary>
    /// What changed since the draw that makes an expert unfit for their seat now, as the reason to record; null when they
    /// may still be invited or confirm. First the cheap checks (status, end of term, a conflict declared with a party, a
    /// seat on the same panel through another draw), then every conflict rule of the draw's rule set, evaluated again as
    /// of now (relations recorded since the draw, preparers, blackouts, the workload cap, …): 回避 found after the draw
    /// passes the backup over as it would have excluded them from the pool.
    /// </summary>
    /// <param name="confirming">
    /// An invited expert confirming: only a seat already confirmed through another draw counts against them (an answer
    /// given elsewhere must not cancel this one), and the supplementary-draw rule (already invited) does not apply.
    /// </param>
    private async Task<string?> NoLongerEligibleAsync(Expert expert, Project project, PanelRequest request, Guid drawId, string quotaKey, RulesNow rules, bool confirming, CancellationToken ct)
    {
        if (await NoLongerEligibleAsync(expert, project, ct) is { } quick)
            return quick;
        var elsewhere = await db.Invitations.AsNoTracking()
            .Where(i => i.ProjectId == project.Id && i.ExpertId == expert.Id && i.DrawRecordId != drawId
                && (confirming ? i.Status == InvitationStatus.Confirmed : i.Status != InvitationStatus.Skipped))
            .Select(i => new { i.Status, i.InvitedAt }).FirstOrDefaultAsync(ct);
        if (elsewhere is not null)
            return $"已于 {elsewhere.InvitedAt:yyyy-MM-dd HH:mm}Z 因本项目另一次抽取受邀（{elsewhere.Status}） / already invited for this project through another draw on {elsewhere.InvitedAt:yyyy-MM-dd HH:mm}Z ({elsewhere.Status})";
        if (!rules.Evaluated)
        {
            rules.Evaluated = true;
            var ruleSetId = await db.DrawRecords.AsNoTracking().Where(d => d.Id == drawId).Select(d => d.RuleSetId).FirstAsync(ct);
            try
            {
                rules.Report = await eligibility.EvaluateForDrawAsync(request.Id, ruleSetId, Now, ct);
            }
            catch (DomainConflictException ex)
            {
                // A rule set or specialty that can no longer be applied must not block an answer: the cheap checks stand.
                logger.LogWarning(ex, "Panel request {PanelRequestId}: the conflict rules could not be evaluated again; only status, term and declared conflicts were checked.", request.Id);
            }
        }
        if (rules.Report is not { } report)
            return null;
        var reasons = report.Exclusions.FirstOrDefault(x => x.ExpertId == expert.Id)?.Reasons
            .Where(r => !confirming || r.Rule != ConflictRuleCodes.AlreadyInvited).ToList();
        if (reasons is { Count: > 0 })
        {
            // Stored as the invitation's reason, after a prefix of under 100 characters on confirmation.
            // Evidence naming another project (a cooldown, a decline for a conflict) would show that project's panel to
            // whoever reads this draw's seats while the other is still sealed (decision 028): the rule only, there.
            var text = string.Join("；", reasons.Select(r => r.ProjectId is null
                ? $"{r.Rule}: {r.Evidence}"
                : $"{r.Rule}: 涉及另一项目的专家安排，详见抽取申请的资格审查 / concerns another project's panel; see the request's eligibility report"));
            return text.Length > Invitation.ReasonMax - 100 ? text[..(Invitation.ReasonMax - 101)] + "…" : text;
        }
        var quota = report.Quotas.FirstOrDefault(q => q.Key == quotaKey);
        if (quota is not null && !quota.EligibleExpertIds.Contains(expert.Id.ToString("D"), StringComparer.Ordinal))
            return "已不属于该名额的专业或地区 / no longer in the quota's specialty or region";
        return null;
    }

    /// <summary>
    /// The cheap part of <see cref="NoLongerEligibleAsync(Expert, Project, PanelRequest, Guid, string, RulesNow, bool, CancellationToken)"/>:
    /// not active, term over by the review date, or a conflict declared with one of the project's parties.
    /// </summary>
    private async Task<string?> NoLongerEligibleAsync(Expert expert, Project project, CancellationToken ct)
    {
        if (expert.Status != ExpertStatus.Active)
            return $"状态为 {ExpertVocabulary.Label(expert.Status)} / status is {expert.Status}";
        if (expert.TermEnd is { } end && end < project.ReviewDate)
            return $"聘期已于 {end:yyyy-MM-dd} 结束 / term ended {end:yyyy-MM-dd}";
        // The parties and the other records of the same units, as the draw's eligibility matches them.
        var parties = await EligibilityService.SameUnitAsync(db, project.Parties.Select(p => p.OrganisationId).ToList(), ct);
        if (parties.Count > 0 && await db.DeclaredConflicts.AnyAsync(c => c.ExpertId == expert.Id && parties.Contains(c.OrganisationId), ct))
            return "已声明与项目相关单位存在利益冲突 / declared a conflict with a party to the project";
        return null;
    }

    private async Task NotifyIfCompleteAsync(Invitation justConfirmed, Project project, PanelRequest request, CancellationToken ct)
    {
        var draw = await db.DrawRecords.AsNoTracking().FirstAsync(d => d.Id == justConfirmed.DrawRecordId, ct);
        await EnqueueIfCompleteAsync(draw, project, request, ct);
    }

    /// <summary>Queues the administrator's "panel complete" notice when every seat is confirmed; false when it is not.</summary>
    private async Task<bool> EnqueueIfCompleteAsync(DrawRecord draw, Project project, PanelRequest request, CancellationToken ct)
    {
        var (confirmed, required, names, _) = await PanelStateAsync(draw, request, ct);
        if (confirmed < required)
            return false;
        var correlation = PanelCompleteCorrelation(draw.Id);
        outbox.Enqueue(db, new NoticeRecipient(Options.AdministratorEmail, Options.AdministratorName), NoticeTemplates.AdminSummary(new AdminSummaryNotice(
            Options.AdministratorName, project.EngagementType.ToString(), project.Code, project.Name, Utc(project.ReviewStartsAt),
            AdminSummaryOutcome.PanelComplete, confirmed, required, names, new Uri(Options.PublicBaseUrl, $"api/draws/{draw.Id}"))), correlation);
        return true;
    }

    private static string PanelCompleteCorrelation(Guid drawId) => $"draw:{drawId}:panel-complete";

    /// <summary>
    /// The safety net for the "panel complete" notice. Each confirmation checks the panel as it stands in its own
    /// transaction, so when the last two seats are confirmed at the same moment neither sees the other and neither tells
    /// the administrator. This finds the complete panels of reviews still ahead that have no such notice and queues it.
    /// </summary>
    public async Task<int> NotifyCompletePanelsAsync(CancellationToken ct)
    {
        var now = Now;
        var draws = await (from i in db.Invitations
                           where i.Status == InvitationStatus.Confirmed
                           join p in db.Projects on i.ProjectId equals p.Id
                           where p.ReviewStartsAt > now
                           select i.DrawRecordId).Distinct().ToListAsync(ct);
        if (draws.Count == 0)
            return 0;
        // The panels already told, in one query (not one per draw on every run of the job).
        var correlations = draws.Select(PanelCompleteCorrelation).ToList();
        var told = (await db.Set<OutboxMessage>().Where(m => correlations.Contains(m.CorrelationId!)).Select(m => m.CorrelationId!).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var queued = 0;
        foreach (var drawId in draws)
        {
            if (told.Contains(PanelCompleteCorrelation(drawId)))
                continue;
            var draw = await db.DrawRecords.AsNoTracking().FirstAsync(d => d.Id == drawId, ct);
            var request = await db.PanelRequests.AsNoTracking().FirstAsync(r => r.Id == draw.PanelRequestId, ct);
            var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == draw.ProjectId, ct);
            if (await EnqueueIfCompleteAsync(draw, project, request, ct))
            {
                queued++;
                logger.LogInformation("Draw {DrawId}: panel complete, the administrator is told (found by the invitation job).", drawId);
            }
        }
        if (queued > 0)
            await SaveAsync(ct);
        return queued;
    }

    /// <summary>Confirmed and still-pending seats (including changes not yet saved) against the seats the quotas ask for.</summary>
    private async Task<(int Confirmed, int Required, IReadOnlyList<string> Names, int Pending)> PanelStateAsync(DrawRecord draw, PanelRequest request, CancellationToken ct)
    {
        var required = await db.PanelQuotas.Where(q => q.PanelRequestId == request.Id).SumAsync(q => q.Count, ct);
        var stored = await db.Invitations.AsNoTracking().Where(i => i.DrawRecordId == draw.Id).Select(i => new { i.Id, i.ExpertId, i.Status }).ToListAsync(ct);
        var local = db.Invitations.Local.Where(i => i.DrawRecordId == draw.Id).ToDictionary(i => i.Id);
        var statuses = stored.Select(i => (i.ExpertId, Status: local.TryGetValue(i.Id, out var l) ? l.Status : i.Status))
            // Invitations added in this unit of work and not saved yet (a backup invited a moment ago).
            .Concat(local.Values.Where(l => stored.TrueForAll(i => i.Id != l.Id)).Select(l => (l.ExpertId, l.Status)))
            .ToList();
        var confirmedIds = statuses.Where(x => x.Status == InvitationStatus.Confirmed).Select(x => x.ExpertId).ToList();
        var names = await db.Experts.AsNoTracking().Where(e => confirmedIds.Contains(e.Id)).OrderBy(e => e.Name).Select(e => e.Name).ToListAsync(ct);
        return (confirmedIds.Count, required, names, statuses.Count(x => x.Status == InvitationStatus.Pending));
    }

    private void Invite(DrawRecord draw, PanelRequest request, Project project, Expert expert, DrawSelection seat, Guid? replaces, DateTime now)
    {
        var deadline = Deadline(request, project, now);
        var invitation = Invitation.Create(draw, seat, replaces, now, deadline);
        db.Invitations.Add(invitation);
        var (confirm, decline) = Links(invitation);
        outbox.Enqueue(db, Recipient(expert), NoticeTemplates.Invitation(new InvitationNotice(
            expert.Name, expert.PreferredLanguage, project.EngagementType.ToString(), project.Code, Utc(project.ReviewStartsAt), project.Place,
            Utc(deadline), confirm, decline)), invitation.Id.ToString());
    }

    /// <summary>
    /// The reply window from now, cut at the request's reply deadline, at least <see cref="MinimumReplyWindow"/>, and never
    /// past the review start (a replacement is not offered closer to it than the minimum window).
    /// </summary>
    private DateTime Deadline(PanelRequest request, Project project, DateTime now)
    {
        var deadline = now + Options.ReplyWindow;
        if (request.ReplyDeadline > now && request.ReplyDeadline < deadline)
            deadline = request.ReplyDeadline;
        if (deadline < now + MinimumReplyWindow)
            deadline = now + MinimumReplyWindow;
        return deadline > project.ReviewStartsAt ? project.ReviewStartsAt : deadline;
    }

    /// <summary>The calendar UID of an engagement: the receipt publishes the event under it, a cancellation cancels it.</summary>
    private static string EventUid(Invitation invitation) => $"{invitation.Id:N}@expertpool";

    public (Uri Confirm, Uri Decline) Links(Invitation invitation) => (
        new Uri(Options.PublicBaseUrl, $"invitations/confirm?t={tokens.Create(invitation.Id, TokenPurpose.Confirm, invitation.Deadline)}"),
        new Uri(Options.PublicBaseUrl, $"invitations/decline?t={tokens.Create(invitation.Id, TokenPurpose.Decline, invitation.Deadline)}"));

    private async Task<(Invitation, Expert, Project, PanelRequest)> LoadAsync(Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId, ct) ?? throw new NotFoundException("Invitation", invitationId);
        var expert = await db.Experts.AsNoTracking().FirstAsync(e => e.Id == invitation.ExpertId, ct);
        var project = await db.Projects.AsNoTracking().Include(p => p.Parties).FirstAsync(p => p.Id == invitation.ProjectId, ct);
        var request = await db.PanelRequests.AsNoTracking().FirstAsync(r => r.Id == invitation.PanelRequestId, ct);
        return (invitation, expert, project, request);
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new DomainConflictException("该邀请已在别处处理 / The invitation was answered at the same moment elsewhere.", ex);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            // The unique (draw, expert) index: a concurrent replacement invited the same backup first.
            throw new ReplacementRaceException(ex);
        }
    }

    private sealed class ReplacementRaceException(Exception inner)
        : DomainConflictException("请稍后重试 / Another answer for this panel was saved at the same moment; please try again.", inner);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static NoticeRecipient Recipient(Expert e) => new(e.Email, e.Name);
}
