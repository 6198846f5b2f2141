using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Experts.Applications;

/// <summary>
/// What an applicant sent through the public form (公开征集) beside the registry fields: years of professional
/// experience, a statement of their work, who recommended them when the employer did, and the consent they gave.
/// Kept as sent (append-only: the migrations add triggers that refuse UPDATE and DELETE); the expert it created starts
/// as <see cref="ExpertStatus.Applied"/> and an administrator admits or rejects it through the status change.
/// </summary>
public sealed class ExpertApplication
{
    public const int StatementMax = 2000;
    public const int RecommenderMax = 200;
    public const int ConsentMax = 1000;
    public const int MaxYearsOfExperience = 70;

    private ExpertApplication()
    {
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public JoinChannel Channel { get; private set; }
    public int YearsOfExperience { get; private set; }
    public string Statement { get; private set; } = "";

    /// <summary>For an employer recommendation: the person or office at the employer who recommended the applicant.</summary>
    public string? Recommender { get; private set; }

    /// <summary>The exact wording the applicant agreed to, in both languages.</summary>
    public string ConsentText { get; private set; } = "";
    public DateTime SubmittedAt { get; private set; }

    public static ExpertApplication Create(Guid expertId, JoinChannel channel, int yearsOfExperience, string? statement, string? recommender, string consentText, DateTime now)
    {
        if (expertId == Guid.Empty)
            throw new ArgumentException("An application belongs to an expert.", nameof(expertId));
        if (yearsOfExperience is < 0 or > MaxYearsOfExperience)
            throw new ArgumentOutOfRangeException(nameof(yearsOfExperience));
        return new ExpertApplication
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            ExpertId = expertId,
            Channel = channel,
            YearsOfExperience = yearsOfExperience,
            Statement = Guard.Required(statement, "statement", StatementMax),
            Recommender = Guard.Optional(recommender, "recommender", RecommenderMax),
            ConsentText = Guard.Required(consentText, "consent", ConsentMax),
            SubmittedAt = now,
        };
    }
}
