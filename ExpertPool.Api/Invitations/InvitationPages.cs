using System.Globalization;
using System.Text;
using ExpertPool.Api.Extensions;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Notices;

namespace ExpertPool.Api.Invitations;

/// <summary>
/// The pages behind the links in invitation mails. A GET only shows the invitation and a button (mail scanners that
/// prefetch links change nothing); the POST acts. Tampered or expired links get a clear page and change nothing.
/// Chinese first, English second.
/// </summary>
public static class InvitationPages
{
    public static IEndpointRouteBuilder MapInvitationPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/invitations").WithTags("Invitation pages").ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        // Pages behind personal links: never cached, never leaked through the Referer header.
        group.WithPrivatePageHeaders();
        group.MapGet("/confirm", ShowConfirm);
        group.MapPost("/confirm", Confirm);
        group.MapGet("/decline", ShowDecline);
        group.MapPost("/decline", Decline);
        return app;
    }

    public static async Task<IResult> ShowConfirm(string? t, InvitationTokens tokens, InvitationService invitations, TimeProvider clock, CancellationToken ct)
    {
        var (view, problem) = await ResolveAsync(t, TokenPurpose.Confirm, tokens, invitations, clock, ct);
        if (problem is not null)
            return problem;
        var body = new StringBuilder(Details(view!));
        if (view!.Invitation.Status == InvitationStatus.Pending)
        {
            body.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" action="/invitations/confirm">
                  <input type="hidden" name="t" value="{E(t!)}">
                  <button type="submit" id="confirm">确认参加 / Confirm attendance</button>
                </form>
                <p class="hint">确认前请核实您与项目各方无回避情形。如需谢绝，请使用邮件中的“谢绝”链接。<br>Before confirming, make sure you have no conflict of interest with any party. To decline, use the decline link in the mail.</p>
                """);
        }
        else
        {
            body.Append(State(view.Invitation));
        }
        return Page("邀请确认 Invitation", body.ToString());
    }

    public static async Task<IResult> Confirm(HttpRequest request, InvitationTokens tokens, InvitationService invitations, NoticeKick kick, TimeProvider clock, CancellationToken ct)
    {
        var form = await HtmlPage.ReadFormAsync(request, ct);
        if (form is null)
            return BadForm();
        var t = form["t"].ToString();
        var (view, problem) = await ResolveAsync(t, TokenPurpose.Confirm, tokens, invitations, clock, ct);
        if (problem is not null)
            return problem;
        if (view!.Invitation.Status != InvitationStatus.Pending)
            return Page("邀请确认 Invitation", Details(view) + State(view.Invitation));
        try
        {
            await invitations.ConfirmAsync(view.Invitation.Id, ct);
        }
        catch (DomainConflictException)
        {
            // Answered a moment ago (double click): show what is stored now.
        }
        await kick.KickAsync(ct);
        var now = await invitations.ViewAsync(view.Invitation.Id, ct);
        // A confirmation can end as a cancellation (no longer eligible): the title says what is stored.
        return Page(now!.Invitation.Status == InvitationStatus.Confirmed ? "已确认 Confirmed" : "邀请确认 Invitation", Details(now) + State(now.Invitation));
    }

    public static async Task<IResult> ShowDecline(string? t, InvitationTokens tokens, InvitationService invitations, TimeProvider clock, CancellationToken ct)
    {
        var (view, problem) = await ResolveAsync(t, TokenPurpose.Decline, tokens, invitations, clock, ct);
        if (problem is not null)
            return problem;
        return Page("谢绝邀请 Decline", Details(view!) + (view!.Invitation.Status == InvitationStatus.Pending ? DeclineForm(t!, view, null) : State(view.Invitation)));
    }

    public static async Task<IResult> Decline(HttpRequest request, InvitationTokens tokens, InvitationService invitations, NoticeKick kick, TimeProvider clock, CancellationToken ct)
    {
        var form = await HtmlPage.ReadFormAsync(request, ct);
        if (form is null)
            return BadForm();
        var t = form["t"].ToString();
        var (view, problem) = await ResolveAsync(t, TokenPurpose.Decline, tokens, invitations, clock, ct);
        if (problem is not null)
            return problem;
        if (view!.Invitation.Status != InvitationStatus.Pending)
            return Page("谢绝邀请 Decline", Details(view) + State(view.Invitation));
        if (!EnumNames.TryParse<DeclineKind>(form["kind"].ToString(), out var kind))
            return Page("谢绝邀请 Decline", Details(view) + DeclineForm(t, view, "请选择谢绝原因 / Please choose a reason."), StatusCodes.Status400BadRequest);
        Guid? party = Guid.TryParse(form["party"].ToString(), out var p) ? p : null;
        try
        {
            await invitations.DeclineAsync(view.Invitation.Id, kind, form["reason"].ToString(), party, ct);
        }
        catch (DomainValidationException ex)
        {
            return Page("谢绝邀请 Decline", Details(view) + DeclineForm(t, view, string.Join(" ", ex.Errors.SelectMany(e => e.Value))), StatusCodes.Status400BadRequest);
        }
        catch (DomainConflictException)
        {
            // Answered a moment ago: show what is stored now.
        }
        await kick.KickAsync(ct);
        var now = await invitations.ViewAsync(view.Invitation.Id, ct);
        return Page("已谢绝 Declined", Details(now!) + State(now!.Invitation));
    }

    private static IResult BadForm() => Page("请求无效 Invalid request",
        "<p>请通过邀请页面上的按钮提交。</p><p>Please submit using the button on the invitation page.</p>", StatusCodes.Status400BadRequest);

    private static async Task<(InvitationView? View, IResult? Problem)> ResolveAsync(string? token, TokenPurpose purpose, InvitationTokens tokens, InvitationService invitations, TimeProvider clock, CancellationToken ct)
    {
        var check = tokens.Verify(token, purpose, clock.GetUtcNow().UtcDateTime);
        if (check.State == TokenState.Invalid)
        {
            return (null, Page("链接无效 Invalid link",
                "<p>此链接无效或已被修改。请使用邀请邮件中的原始链接，或联系专家库管理员。</p><p>This link is not valid or has been altered. Use the link from your invitation mail, or contact the expert pool's administrator.</p>",
                StatusCodes.Status400BadRequest));
        }
        var view = await invitations.ViewAsync(check.InvitationId, ct);
        if (view is null)
            return (null, Page("链接无效 Invalid link", "<p>找不到该邀请。</p><p>This invitation does not exist.</p>", StatusCodes.Status404NotFound));
        if (check.State == TokenState.Expired)
        {
            return (null, Page("链接已过期 Link expired",
                Details(view) + "<p>答复期限已过，此链接已失效，未做任何更改。</p><p>The reply deadline has passed; this link no longer works and nothing was changed.</p>" + State(view.Invitation),
                StatusCodes.Status410Gone));
        }
        return (view, null);
    }

    private static string DeclineForm(string token, InvitationView view, string? error)
    {
        var parties = string.Concat(view.Parties.Select(p => $"<option value=\"{p.OrganisationId}\">{E(p.Name)}</option>"));
        return $"""
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
            <form method="post" action="/invitations/decline">
              <input type="hidden" name="t" value="{E(token)}">
              <fieldset>
                <legend>谢绝原因 / Reason</legend>
                <label><input type="radio" name="kind" value="Unavailable"> 时间冲突，无法参加 / I am not available</label><br>
                <label><input type="radio" name="kind" value="Conflict"> 存在回避情形 / I have a conflict of interest</label>
                <select name="party" aria-label="回避单位 / party"><option value="">— 选择单位 / choose the party —</option>{parties}</select><br>
                <label><input type="radio" name="kind" value="Other"> 其他 / Other</label>
              </fieldset>
              <p><label>说明 / Details<br><textarea name="reason" rows="3" cols="50" maxlength="{Invitation.ReasonMax}"></textarea></label></p>
              <button type="submit" id="decline">谢绝邀请 / Decline</button>
            </form>
            """;
    }

    private static string Details(InvitationView v)
    {
        return $"""
            <p>{E(v.ExpertName)}，您好 / Dear {E(v.ExpertName)},</p>
            <table>
              <tr><th>项目编号 Project code</th><td id="project-code">{E(v.ProjectCode)}</td></tr>
              <tr><th>时间 Time</th><td>{HtmlPage.Time(v.ReviewStartsAt)}</td></tr>
              <tr><th>地点 Place</th><td>{E(v.Place)}</td></tr>
              <tr><th>答复期限 Reply by</th><td>{HtmlPage.Time(v.Invitation.Deadline)}</td></tr>
            </table>
            <p class="hint">请对评审信息保密，不得与项目相关方接触。<br>Keep the review details confidential and do not contact any party to the project.</p>
            """;
    }

    private static string State(Invitation i) => i.Status switch
    {
        InvitationStatus.Confirmed => "<p class=\"state\" id=\"state\">您已确认参加，确认回执已发送至您的邮箱。<br>You have confirmed; a receipt with a calendar entry was sent to you.</p>",
        InvitationStatus.Declined => "<p class=\"state\" id=\"state\">您已谢绝此次邀请，感谢告知。<br>You have declined this invitation. Thank you for letting us know.</p>",
        InvitationStatus.Expired => "<p class=\"state\" id=\"state\">此邀请已过期，席位已由候补专家递补。<br>This invitation expired; the seat went to a backup expert.</p>",
        InvitationStatus.Cancelled => $"<p class=\"state\" id=\"state\">此邀请已取消。<br>This invitation was cancelled.</p>{(i.CancelReason is { Length: > 0 } why ? $"<p>{E(PersonalData.MaskIn(why))}</p>" : "")}",
        _ => "<p class=\"state\" id=\"state\">等待您的答复。<br>Waiting for your answer.</p>",
    };

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => HtmlPage.Render(title, body, status);

    private static string E(string s) => HtmlPage.E(s);
}
