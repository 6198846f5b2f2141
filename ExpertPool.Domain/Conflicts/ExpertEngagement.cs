namespace ExpertPool.Domain.Conflicts;

/// <summary>
/// A confirmed engagement of an expert: what the workload cap and the same-applicant cooldown count.
/// Written when an expert confirms an invitation (<see cref="Confirm"/>); never updated. Removed only when the agency
/// withdraws the draw (the review is off); the cancelled invitation keeps the history.
/// </summary>
public sealed class ExpertEngagement
{
    private ExpertEngagement()
    {
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid? PanelRequestId { get; private set; }
    public Guid? ApplicantOrganisationId { get; private set; }
    public DateOnly ReviewDate { get; private set; }
    public DateTime ConfirmedAt { get; private set; }

    public static ExpertEngagement Confirm(Guid expertId, Guid projectId, Guid? panelRequestId, Guid? applicantOrganisationId, DateOnly reviewDate, DateTime confirmedAt) => new()
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(confirmedAt, TimeSpan.Zero)),
        ExpertId = expertId,
        ProjectId = projectId,
        PanelRequestId = panelRequestId,
        ApplicantOrganisationId = applicantOrganisationId,
        ReviewDate = reviewDate,
        ConfirmedAt = confirmedAt,
    };
}
