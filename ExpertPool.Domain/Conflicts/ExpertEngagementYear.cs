namespace ExpertPool.Domain.Conflicts;

/// <summary>
/// Confirmed engagements of one expert per calendar year of the review date, kept by database triggers on
/// <c>expert_engagements</c> (insert, update, delete); the application never writes it. It lets the workload-cap rule
/// find the few experts who could be at the cap without grouping a whole year of engagements: a 12-month window spans at
/// most two calendar years, so an expert with at least K engagements in it has at least ⌈K/2⌉ in one of those years.
/// </summary>
public sealed class ExpertEngagementYear
{
    private ExpertEngagementYear()
    {
    }

    public Guid ExpertId { get; private set; }
    public int Year { get; private set; }
    public int Count { get; private set; }
}
