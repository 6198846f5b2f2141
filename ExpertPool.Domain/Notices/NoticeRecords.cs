namespace ExpertPool.Domain.Notices;

// Template inputs: plain records the invitation flow fills in. EngagementType is the name of the project's engagement
// type ("ProjectReview", "AcceptanceCheck", "Planning", ...); an unknown name gets the generic wording.
// Language is the expert's preferred language: "en..." gives English, anything else Simplified Chinese (zh-CN).
// Times are instants; templates show them in China Standard Time (北京时间, UTC+8).

/// <summary>Invitation right after the draw: project code only (never the name), date, place, deadline, confidentiality, one-click links.</summary>
public sealed record InvitationNotice(
    string ExpertName,
    string Language,
    string EngagementType,
    string ProjectCode,
    DateTimeOffset ReviewStartsAt,
    string Place,
    DateTimeOffset ReplyDeadline,
    Uri ConfirmUrl,
    Uri DeclineUrl);

/// <summary>Reminder some time before the reply deadline, to an expert who has not answered.</summary>
public sealed record ReminderNotice(
    string ExpertName,
    string Language,
    string EngagementType,
    string ProjectCode,
    DateTimeOffset ReviewStartsAt,
    string Place,
    DateTimeOffset ReplyDeadline,
    Uri ConfirmUrl,
    Uri DeclineUrl);

/// <summary>
/// Receipt after the expert confirmed, with an .ics attachment. <paramref name="EventUid"/> must be stable for the
/// engagement (e.g. <c>invitation-id@expertpool.local</c>) so calendar clients update rather than duplicate the event;
/// <paramref name="ConfirmedAt"/> becomes the DTSTAMP.
/// </summary>
public sealed record ConfirmationNotice(
    string ExpertName,
    string Language,
    string EngagementType,
    string ProjectCode,
    DateTimeOffset ReviewStartsAt,
    DateTimeOffset ReviewEndsAt,
    string Place,
    string EventUid,
    DateTimeOffset ConfirmedAt,
    string? Contact = null);

/// <summary>
/// The engagement is off for this expert (review cancelled or moved, or the panel changed). <paramref name="Calendar"/>:
/// the event of the confirmation receipt, when the expert had confirmed, so the mail carries its cancellation.
/// </summary>
public sealed record CancellationNotice(
    string ExpertName,
    string Language,
    string EngagementType,
    string ProjectCode,
    DateTimeOffset ReviewStartsAt,
    string Place,
    string? Reason,
    CancelledEvent? Calendar = null);

/// <summary>The calendar event a confirmation receipt published (same UID), as it is cancelled at <paramref name="CancelledAt"/>.</summary>
public sealed record CancelledEvent(string EventUid, DateTimeOffset ReviewEndsAt, DateTimeOffset CancelledAt, string OrganizerEmail, string AttendeeEmail);

public enum AdminSummaryOutcome
{
    /// <summary>Every seat is confirmed.</summary>
    PanelComplete,

    /// <summary>Seats remain open and no ranked backup is left: a supplementary draw (补抽) is needed.</summary>
    BackupsExhausted,

    /// <summary>A seat fell vacant too close to the review start (or after it) for a backup to be invited and answer.</summary>
    TooLateToReplace,
}

/// <summary>To the administrator of a panel request; always Chinese first, then English.</summary>
public sealed record AdminSummaryNotice(
    string AdministratorName,
    string EngagementType,
    string ProjectCode,
    string ProjectName,
    DateTimeOffset ReviewStartsAt,
    AdminSummaryOutcome Outcome,
    int Confirmed,
    int Required,
    IReadOnlyList<string> ConfirmedExperts,
    Uri? PanelUrl,
    int Pending = 0);

/// <summary>Receipt of an application sent through the public form (公开征集): what was received and what happens next.</summary>
public sealed record ApplicationReceiptNotice(
    string ApplicantName,
    string Reference,
    DateTimeOffset SubmittedAt,
    string IdNumberMasked,
    IReadOnlyList<string> SpecialtiesZh,
    IReadOnlyList<string> SpecialtiesEn,
    string ContactEmail);

/// <summary>The outcome of an application's review: admitted to the pool (with the term, when set) or not.</summary>
public sealed record ApplicationDecisionNotice(
    string ApplicantName,
    string Reference,
    bool Admitted,
    DateOnly? TermStart,
    DateOnly? TermEnd);
