using System.Globalization;
using System.Net;
using System.Text;

namespace ExpertPool.Domain.Notices;

/// <summary>
/// Renders every notice to a subject, a plain-text part and an HTML part (every value HTML-encoded). Every mail carries
/// Simplified Chinese first, then English, whatever language the expert prefers (the project's rule for pages and
/// mail); the subject too. One wording
/// set per engagement type: project review (项目评审) and acceptance check (项目验收) have their own, the other types share
/// a generic set naming the type. Times are shown in China Standard Time (北京时间, UTC+8). Pure: no clock, no I/O.
/// </summary>
public static class NoticeTemplates
{
    /// <summary>Asia/Shanghai has been UTC+8 all year, with no daylight saving, since 1991.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>The Content-Language of every mail: Chinese first, then English, in one message.</summary>
    public const string Bilingual = "zh-CN,en";

    public static RenderedNotice Invitation(InvitationNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var w = Wording.For(n.EngagementType);
        var doc = new Doc();
        doc.Para($"{n.ExpertName} 专家：您好！");
        doc.Para($"经专家库随机抽取，您被选为以下{w.NameZh}的{w.RoleZh}。请在回复截止时间前确认是否参加。");
        InvitationFields(doc, w, n.ProjectCode, n.ReviewStartsAt, n.Place, n.ReplyDeadline);
        ReplyLinks(doc, n.ConfirmUrl, n.DeclineUrl);
        doc.Para("点击链接后将打开邀请页面，需您再次确认后才会生效；仅打开链接不会改变任何状态。逾期未回复的，系统将按顺序递补候补专家。");
        Confidentiality(doc, w);
        doc.StartEnglish();
        doc.Para($"Dear {n.ExpertName},");
        doc.Para($"You have been drawn at random from the expert pool as a {w.RoleEn} for the {w.NameEn} below. Please tell us by the reply deadline whether you can take part.");
        InvitationFields(doc, w, n.ProjectCode, n.ReviewStartsAt, n.Place, n.ReplyDeadline);
        ReplyLinks(doc, n.ConfirmUrl, n.DeclineUrl);
        doc.Para("Each link opens a page that shows the invitation and asks you to confirm your choice; opening it alone changes nothing. If you do not reply by the deadline, the next ranked backup expert will be invited.");
        Confidentiality(doc, w);
        Footer(doc);
        var subject = $"【专家库】{w.NameZh}邀请：{n.ProjectCode}（请于{Time(n.ReplyDeadline, false, shortForm: true)}前回复） / Invitation to a {w.NameEn}: {n.ProjectCode}, reply by {Time(n.ReplyDeadline, true, shortForm: true)}";
        return doc.Render(NoticeKind.Invitation, subject);
    }

    public static RenderedNotice Reminder(ReminderNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var w = Wording.For(n.EngagementType);
        var doc = new Doc();
        doc.Para($"{n.ExpertName} 专家：您好！");
        doc.Para($"您尚未回复以下{w.NameZh}邀请，回复截止时间为{Time(n.ReplyDeadline, false)}。");
        InvitationFields(doc, w, n.ProjectCode, n.ReviewStartsAt, n.Place, n.ReplyDeadline);
        ReplyLinks(doc, n.ConfirmUrl, n.DeclineUrl);
        doc.Para("逾期未回复的，邀请自动失效，系统将按顺序递补候补专家。");
        Confidentiality(doc, w);
        doc.StartEnglish();
        doc.Para($"Dear {n.ExpertName},");
        doc.Para($"We have not yet received your reply to the invitation for the {w.NameEn} below. The reply deadline is {Time(n.ReplyDeadline, true)}.");
        InvitationFields(doc, w, n.ProjectCode, n.ReviewStartsAt, n.Place, n.ReplyDeadline);
        ReplyLinks(doc, n.ConfirmUrl, n.DeclineUrl);
        doc.Para("Without a reply by the deadline the invitation lapses and the next ranked backup expert is invited.");
        Confidentiality(doc, w);
        Footer(doc);
        var subject = $"【专家库】回复提醒：{w.NameZh} {n.ProjectCode}（截止{Time(n.ReplyDeadline, false, shortForm: true)}） / Reminder: reply by {Time(n.ReplyDeadline, true, shortForm: true)}, {w.NameEn} {n.ProjectCode}";
        return doc.Render(NoticeKind.Reminder, subject);
    }

    public static RenderedNotice Confirmation(ConfirmationNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var w = Wording.For(n.EngagementType);
        var doc = new Doc();
        doc.Para($"{n.ExpertName} 专家：您好！");
        doc.Para($"感谢您的支持，您已确认参加以下{w.NameZh}。日程文件见附件。");
        doc.Field("项目编号", n.ProjectCode);
        doc.Field("事项类型", w.NameZh);
        doc.Field("开始时间", Time(n.ReviewStartsAt, false));
        doc.Field("结束时间", Time(n.ReviewEndsAt, false));
        doc.Field("地点", n.Place);
        if (!string.IsNullOrWhiteSpace(n.Contact))
            doc.Field("联系人", n.Contact);
        doc.Para(w.PrepareZh);
        doc.Para("如因故无法参加，请立即告知组织单位，以便及时递补候补专家。");
        Confidentiality(doc, w, confirmed: true);
        doc.StartEnglish();
        doc.Para($"Dear {n.ExpertName},");
        doc.Para($"Thank you: your participation in the {w.NameEn} below is confirmed. A calendar entry is attached.");
        doc.Field("Project code", n.ProjectCode);
        doc.Field("Engagement", w.NameEn);
        doc.Field("Starts", Time(n.ReviewStartsAt, true));
        doc.Field("Ends", Time(n.ReviewEndsAt, true));
        doc.Field("Place", n.Place);
        if (!string.IsNullOrWhiteSpace(n.Contact))
            doc.Field("Contact", n.Contact);
        doc.Para(w.PrepareEn);
        doc.Para("If you can no longer attend, tell the organising agency at once so that a backup expert can be invited in time.");
        Confidentiality(doc, w, confirmed: true);
        Footer(doc);
        var summary = $"{w.NameZh} {n.ProjectCode} / {w.NameEn} {n.ProjectCode}";
        var description = $"{w.NameZh}，项目编号 {n.ProjectCode}。评审结束前请对时间、地点及项目信息保密。 / {w.NameEn}, project code {n.ProjectCode}. Keep the date, place and project confidential until the review is over.";
        var ics = IcsCalendar.CreateBytes(n.EventUid, n.ConfirmedAt, n.ReviewStartsAt, n.ReviewEndsAt, summary, n.Place, description);
        var subject = $"【专家库】参加确认回执：{w.NameZh} {n.ProjectCode}（{Time(n.ReviewStartsAt, false, shortForm: true)}） / Confirmed: {w.NameEn} {n.ProjectCode} on {Time(n.ReviewStartsAt, true, shortForm: true)}";
        return doc.Render(NoticeKind.Confirmation, subject, [new NoticeAttachment(IcsFileName(n.ProjectCode), IcsCalendar.ContentType, ics)]);
    }

    public static RenderedNotice Cancellation(CancellationNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var w = Wording.For(n.EngagementType);
        var doc = new Doc();
        doc.Para($"{n.ExpertName} 专家：您好！");
        doc.Para($"您参加以下{w.NameZh}的安排已取消，无需出席，请从日程中删除。");
        doc.Field("项目编号", n.ProjectCode);
        doc.Field("原定时间", Time(n.ReviewStartsAt, false));
        doc.Field("地点", n.Place);
        if (!string.IsNullOrWhiteSpace(n.Reason))
            doc.Field("原因", n.Reason);
        doc.Para("感谢您的支持。请继续对已知悉的相关信息保密。");
        doc.StartEnglish();
        doc.Para($"Dear {n.ExpertName},");
        doc.Para($"Your engagement in the {w.NameEn} below has been cancelled. You do not need to attend; please remove it from your calendar.");
        doc.Field("Project code", n.ProjectCode);
        doc.Field("Was scheduled for", Time(n.ReviewStartsAt, true));
        doc.Field("Place", n.Place);
        if (!string.IsNullOrWhiteSpace(n.Reason))
            doc.Field("Reason", n.Reason);
        doc.Para("Thank you for your support. Please keep what you learned about this engagement confidential.");
        Footer(doc);
        var subject = $"【专家库】取消通知：{w.NameZh} {n.ProjectCode} / Cancelled: {w.NameEn} {n.ProjectCode}";
        if (n.Calendar is not { } e)
            return doc.Render(NoticeKind.Cancellation, subject);
        var summary = $"{w.NameZh} {n.ProjectCode}（已取消） / {w.NameEn} {n.ProjectCode} (cancelled)";
        var ics = System.Text.Encoding.UTF8.GetBytes(IcsCalendar.CreateCancel(e.EventUid, e.CancelledAt, n.ReviewStartsAt, e.ReviewEndsAt, summary, n.Place, n.Reason, e.OrganizerEmail, e.AttendeeEmail));
        return doc.Render(NoticeKind.Cancellation, subject, [new NoticeAttachment(IcsFileName(n.ProjectCode), IcsCalendar.CancelContentType, ics)]);
    }

    public static RenderedNotice AdminSummary(AdminSummaryNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var w = Wording.For(n.EngagementType);
        var complete = n.Outcome == AdminSummaryOutcome.PanelComplete;
        var tooLate = n.Outcome == AdminSummaryOutcome.TooLateToReplace;
        var missing = Math.Max(0, n.Required - n.Confirmed - n.Pending);
        var doc = new Doc();
        doc.Para($"{n.AdministratorName}：您好！");
        doc.Para(complete
            ? $"{w.NameZh}“{n.ProjectName}”（{n.ProjectCode}）的专家组已全部确认（{n.Confirmed}/{n.Required}）。"
            : tooLate
            ? $"{w.NameZh}“{n.ProjectName}”（{n.ProjectCode}）有席位在评审开始前不久（或开始后）空出，已来不及邀请候补专家并等待答复，仍缺 {missing} 名（已确认 {n.Confirmed}/{n.Required}{(n.Pending > 0 ? $"，另有 {n.Pending} 名待答复" : "")}）。其余候补未被邀请。"
            : $"{w.NameZh}“{n.ProjectName}”（{n.ProjectCode}）的候补专家已用尽，仍缺 {missing} 名（已确认 {n.Confirmed}/{n.Required}{(n.Pending > 0 ? $"，另有 {n.Pending} 名待答复" : "")}）。");
        doc.Field("评审时间", Time(n.ReviewStartsAt, false));
        if (n.ConfirmedExperts.Count > 0)
            doc.Field("已确认专家", string.Join("、", n.ConfirmedExperts));
        if (tooLate)
            doc.Note("建议", "请按评审现场的规定处理空缺（如按规定减员或改期），并在评审记录中说明。");
        else if (!complete)
            doc.Note("建议", "请尽快进行补抽：补抽是一次新的、有记录的抽取，须填写补抽原因，并按规定请监督人到场。");
        if (n.PanelUrl is not null)
            doc.Link("查看抽取记录与专家组（接口地址，须携带管理员 API 密钥，请求头 X-Api-Key）", n.PanelUrl);
        doc.StartEnglish();
        doc.Para($"Dear {n.AdministratorName},");
        doc.Para(complete
            ? $"The panel for the {w.NameEn} \"{n.ProjectName}\" ({n.ProjectCode}) is complete: {n.Confirmed} of {n.Required} experts have confirmed."
            : tooLate
            ? $"A seat on the panel for the {w.NameEn} \"{n.ProjectName}\" ({n.ProjectCode}) fell vacant too close to the review start (or after it) for a backup to be invited and answer: {missing} seat(s) have nobody ({n.Confirmed} of {n.Required} confirmed{(n.Pending > 0 ? $", {n.Pending} still to answer" : "")}). The remaining backups were not invited."
            : $"The ranked backups for the {w.NameEn} \"{n.ProjectName}\" ({n.ProjectCode}) are exhausted: {missing} seat(s) have nobody ({n.Confirmed} of {n.Required} confirmed{(n.Pending > 0 ? $", {n.Pending} still to answer" : "")}).");
        doc.Field("Review starts", Time(n.ReviewStartsAt, true));
        if (n.ConfirmedExperts.Count > 0)
            doc.Field("Confirmed experts", string.Join(", ", n.ConfirmedExperts));
        if (tooLate)
            doc.Note("Suggestion", "Handle the vacancy as the rules for the review allow (a smaller panel or a new date) and note it in the review's minutes.");
        else if (!complete)
            doc.Note("Suggestion", "Make a supplementary draw (补抽) soon: it is a new, recorded draw that needs a stated reason and, by the rules, a supervisor present.");
        if (n.PanelUrl is not null)
            doc.Link("The draw record and panel (an API address: send the administrator API key as the X-Api-Key header)", n.PanelUrl);
        Footer(doc);
        var subject = complete
            ? $"【专家库】专家组已确认 Panel complete：{n.ProjectCode}（{n.Confirmed}/{n.Required}）"
            : tooLate
            ? $"【专家库】评审前来不及递补 Seat not filled before the review：{n.ProjectCode}（{n.Confirmed}/{n.Required}）"
            : $"【专家库】候补已用尽，请补抽 Backups exhausted, supplementary draw needed：{n.ProjectCode}（{n.Confirmed}/{n.Required}）";
        return doc.Render(NoticeKind.AdminSummary, subject);
    }

    public static RenderedNotice ApplicationReceipt(ApplicationReceiptNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var doc = new Doc();
        doc.Para($"{n.ApplicantName}：您好！");
        doc.Para("我们已收到您加入专家库的申请。管理部门将审核您的职称、从业年限、信用记录等入库条件，审核通过后您将被纳入专家库，此后可能被随机抽取参加评审。");
        doc.Field("申请编号", n.Reference);
        doc.Field("提交时间", Time(n.SubmittedAt, false));
        doc.Field("身份证号", n.IdNumberMasked);
        doc.Field("申请专业", string.Join("、", n.SpecialtiesZh));
        doc.Para($"如申请信息有误或需撤回申请，请联系 {n.ContactEmail} 并注明申请编号。如您并未提交此申请，也请告知我们。");
        doc.StartEnglish();
        doc.Para($"Dear {n.ApplicantName},");
        doc.Para("We have received your application to join the expert pool. The administration will check your title, years of experience, credit record and the other entry requirements; once admitted you are in the pool and may be drawn at random for reviews.");
        doc.Field("Reference", n.Reference);
        doc.Field("Submitted", Time(n.SubmittedAt, true));
        doc.Field("ID number", n.IdNumberMasked);
        doc.Field("Specialties", string.Join("; ", n.SpecialtiesEn));
        doc.Para($"If anything in the application is wrong, or to withdraw it, write to {n.ContactEmail} quoting the reference. If you did not apply, please tell us too.");
        Footer(doc);
        return doc.Render(NoticeKind.ApplicationReceipt, $"【专家库】入库申请已收到 / Application received：{n.Reference}");
    }

    public static RenderedNotice ApplicationDecision(ApplicationDecisionNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var term = n.TermStart is { } ts && n.TermEnd is { } te ? (Zh: $"聘期自 {Common.IsoText.Date(ts)} 至 {Common.IsoText.Date(te)}。", En: $" Your term runs from {Common.IsoText.Date(ts)} to {Common.IsoText.Date(te)}.") : (Zh: "", En: "");
        var doc = new Doc();
        doc.Para($"{n.ApplicantName}：您好！");
        doc.Para(n.Admitted
            ? $"您的入库申请已通过审核，您已被纳入专家库。{term.Zh}今后如被随机抽取参加评审，您将收到邀请邮件，可一键确认或谢绝。个人信息、回避关系或不可参加的日期如有变化，请及时告知管理部门。"
            : "经审核，您的入库申请未获通过。感谢您对专家库工作的支持。如有疑问，请联系专家库管理部门并注明申请编号。");
        doc.Field("申请编号", n.Reference);
        doc.StartEnglish();
        doc.Para($"Dear {n.ApplicantName},");
        doc.Para(n.Admitted
            ? $"Your application has been approved and you are now in the expert pool.{term.En} When you are drawn at random for a review you will receive an invitation by mail and can confirm or decline with one click. Please tell the administration when your details, your relations with organisations or your unavailable dates change."
            : "After review, your application to join the expert pool was not approved. Thank you for your interest. For questions, contact the expert-pool administration quoting the reference.");
        doc.Field("Reference", n.Reference);
        Footer(doc);
        return doc.Render(NoticeKind.ApplicationDecision, n.Admitted
            ? $"【专家库】入库申请已通过 / Application approved：{n.Reference}"
            : $"【专家库】入库申请未通过 / Application not approved：{n.Reference}");
    }

    /// <summary>"2026年11月25日（星期三）09:30（北京时间）" or "Wed 25 Nov 2026, 09:30 (Beijing time, UTC+8)".</summary>
    public static string Time(DateTimeOffset at, bool english, bool shortForm = false)
    {
        var t = at.ToOffset(ChinaStandardTime);
        if (english)
            return shortForm
                ? t.ToString("d MMM HH:mm", CultureInfo.InvariantCulture) + " Beijing time"
                : t.ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " (Beijing time, UTC+8)";
        var zh = CultureInfo.GetCultureInfo("zh-CN");
        return shortForm
            ? t.ToString("M月d日 HH:mm", zh)
            : t.ToString("yyyy年M月d日（dddd）HH:mm", zh) + "（北京时间）";
    }

    private static string IcsFileName(string projectCode)
    {
        var safe = new string(projectCode.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return $"{safe}.ics";
    }

    private static void InvitationFields(Doc doc, Wording w, string code, DateTimeOffset startsAt, string place, DateTimeOffset deadline)
    {
        if (doc.English)
        {
            doc.Field("Project code", code);
            doc.Field("Engagement", w.NameEn);
            doc.Field("Date and time", Time(startsAt, true));
            doc.Field("Place", place);
            doc.Field("Reply by", Time(deadline, true));
        }
        else
        {
            doc.Field("项目编号", code);
            doc.Field("事项类型", w.NameZh);
            doc.Field("时间", Time(startsAt, false));
            doc.Field("地点", place);
            doc.Field("回复截止", Time(deadline, false));
        }
    }

    private static void ReplyLinks(Doc doc, Uri confirm, Uri decline)
    {
        doc.Link(doc.English ? "Confirm: I will attend" : "确认参加", confirm);
        doc.Link(doc.English ? "Decline (with a reason, including a conflict of interest)" : "谢绝（请说明原因，包括存在回避情形）", decline);
    }

    /// <param name="confirmed">The expert has confirmed (the receipt has no decline link): a conflict found now is reported to the agency.</param>
    private static void Confidentiality(Doc doc, Wording w, bool confirmed = false)
    {
        if (doc.English)
            doc.Note("Confidentiality", $"This notice and the {w.NameEn}'s date, place and project are for you alone. Until the engagement is over, do not disclose them to anyone and do not contact the applicant or any party to the project. "
                + (confirmed ? "If you find you have a conflict of interest with any party, tell the organising agency at once." : "If you have a conflict of interest with any party, decline and choose \"I have a conflict\"."));
        else
            doc.Note("保密提醒", $"本通知及{w.NameZh}的时间、地点和项目信息仅限您本人知悉。在{w.NameZh}结束前，请勿向任何单位或个人透露，不得与项目申报单位及其他相关方接触。"
                + (confirmed ? "如发现与项目任何一方存在利害关系，请立即告知组织单位。" : "如与项目任何一方存在利害关系，请选择“谢绝”并注明“存在回避情形”。"));
    }

    /// <summary>The engagement type's name in Chinese and English, as the mails call it (e.g. 项目评审 / project review).</summary>
    public static (string Zh, string En) EngagementName(string? engagementType)
    {
        var w = Wording.For(engagementType);
        return (w.NameZh, w.NameEn);
    }

    private static void Footer(Doc doc)
    {
        doc.Rule();
        doc.Small("此邮件由专家库系统自动发送，请勿直接回复。");
        doc.Small("This message was sent automatically by ExpertPool; please do not reply to it.", english: true);
    }

    private sealed record Wording(string NameZh, string NameEn, string RoleZh, string RoleEn, string PrepareZh, string PrepareEn)
    {
        private static readonly Dictionary<string, Wording> Sets = new(StringComparer.OrdinalIgnoreCase)
        {
            ["ProjectReview"] = new("项目评审", "project review", "评审专家", "reviewer",
                "请提前审阅评审材料，按评审标准独立、客观、公正地提出评审意见，并携带有效身份证件按时签到。",
                "Please read the review documents beforehand, give an independent, objective and impartial opinion against the review criteria, and bring identification to sign in on time."),
            ["AcceptanceCheck"] = new("项目验收", "project acceptance check", "验收专家", "acceptance-check expert",
                "请提前审阅验收材料，对照合同或任务书逐项核查项目完成情况，现场查验后独立出具验收意见。",
                "Please read the acceptance documents beforehand, check the project's results item by item against its contract or task statement, and give your own opinion after the on-site inspection."),
        };

        private static readonly Dictionary<string, (string Zh, string En)> GenericNames = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Planning"] = ("规划咨询", "planning consultation"),
            ["PolicyResearch"] = ("政策研究", "policy research"),
            ["TechnicalConsulting"] = ("技术咨询", "technical consultation"),
            ["StandardDrafting"] = ("标准起草", "standard drafting"),
            ["AwardEvaluation"] = ("达标评优", "award evaluation"),
        };

        public static Wording For(string? engagementType)
        {
            if (engagementType is not null && Sets.TryGetValue(engagementType, out var set))
                return set;
            var (zh, en) = engagementType is not null && GenericNames.TryGetValue(engagementType, out var names) ? names : ("专家咨询", "expert engagement");
            return new Wording(zh, en, "专家", "expert", "请提前审阅相关材料，按时参加。", "Please read the documents beforehand and attend on time.");
        }
    }

    /// <summary>
    /// One document rendered twice, as plain text and as HTML, so the two parts always say the same thing. It is written
    /// in Chinese, then <see cref="StartEnglish"/> draws a line and every later block is English.
    /// </summary>
    private sealed class Doc
    {
        private readonly List<(string Kind, string A, string? B, bool En)> _blocks = [];

        public bool English { get; private set; }

        public void StartEnglish()
        {
            Rule();
            English = true;
        }

        public void Para(string text) => _blocks.Add(("p", text, null, English));
        public void Field(string label, string value) => _blocks.Add(("field", label, value, English));
        public void Link(string label, Uri url) => _blocks.Add(("link", label, url.AbsoluteUri, English));
        public void Note(string title, string text) => _blocks.Add(("note", title, text, English));
        public void Small(string text, bool english = false) => _blocks.Add(("small", text, null, english || English));
        public void Rule() => _blocks.Add(("rule", "", null, English));

        public RenderedNotice Render(NoticeKind kind, string subject, IReadOnlyList<NoticeAttachment>? attachments = null) =>
            new(kind, Bilingual, subject, Text(), Html(subject), attachments ?? []);

        private string Text()
        {
            var sb = new StringBuilder();
            string? previous = null;
            foreach (var (kind, a, b, en) in _blocks)
            {
                var colon = en ? ": " : "：";
                if (previous is not null && !(kind == "field" && previous == "field"))
                    sb.Append('\n');
                switch (kind)
                {
                    case "p": sb.Append(a).Append('\n'); break;
                    case "field": sb.Append(a).Append(colon).Append(b).Append('\n'); break;
                    case "link": sb.Append(a).Append(colon.TrimEnd()).Append('\n').Append(b).Append('\n'); break;
                    case "note": sb.Append(en ? "[" : "【").Append(a).Append(en ? "] " : "】").Append(b).Append('\n'); break;
                    case "small": sb.Append(a).Append('\n'); break;
                    case "rule": sb.Append("----------------------------------------\n"); break;
                }
                previous = kind;
            }
            return sb.ToString();
        }

        private string Html(string subject)
        {
            static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
              .Append(E(subject)).Append("</title>\n</head>\n<body style=\"font-family:'Microsoft YaHei','PingFang SC',Arial,sans-serif;font-size:15px;line-height:1.6;color:#222;max-width:640px\">\n");
            var inTable = false;
            foreach (var (kind, a, b, en) in _blocks)
            {
                var lang = en ? " lang=\"en\"" : "";
                if (kind != "field" && inTable)
                {
                    sb.Append("</table>\n");
                    inTable = false;
                }
                switch (kind)
                {
                    case "p": sb.Append("<p").Append(lang).Append('>').Append(E(a)).Append("</p>\n"); break;
                    case "field":
                        if (!inTable)
                        {
                            sb.Append("<table style=\"border-collapse:collapse;margin:8px 0\">\n");
                            inTable = true;
                        }
                        sb.Append("<tr").Append(lang).Append("><th style=\"text-align:left;padding:2px 12px 2px 0;white-space:nowrap;vertical-align:top\">").Append(E(a))
                          .Append("</th><td style=\"padding:2px 0\">").Append(E(b)).Append("</td></tr>\n");
                        break;
                    case "link":
                        sb.Append("<p").Append(lang).Append("><a href=\"").Append(E(b)).Append("\" style=\"display:inline-block;padding:8px 16px;background:#1f5faa;color:#fff;text-decoration:none;border-radius:4px\">")
                          .Append(E(a)).Append("</a></p>\n");
                        break;
                    case "note":
                        sb.Append("<div").Append(lang).Append(" style=\"border-left:4px solid #c0392b;background:#fdf2f0;padding:8px 12px;margin:12px 0\"><strong>").Append(E(a))
                          .Append("</strong><br>").Append(E(b)).Append("</div>\n");
                        break;
                    case "small": sb.Append("<p").Append(lang).Append(" style=\"font-size:12px;color:#777\">").Append(E(a)).Append("</p>\n"); break;
                    case "rule": sb.Append("<hr style=\"border:none;border-top:1px solid #ddd\">\n"); break;
                }
            }
            if (inTable)
                sb.Append("</table>\n");
            sb.Append("</body>\n</html>\n");
            return sb.ToString();
        }
    }
}
