namespace ExpertPool.Domain.Experts;

/// <summary>Raw expert data as a client or a CSV row gives it; <see cref="ExpertDraft"/> checks it.</summary>
public sealed record ExpertInput
{
    public string? Name { get; init; }
    public string? IdNumber { get; init; }
    public string? Gender { get; init; }
    public int? BirthYear { get; init; }
    public string? EmployerName { get; init; }
    public string? EmployerCreditCode { get; init; }
    public string? Title { get; init; }
    public string? TitleGrade { get; init; }
    public IReadOnlyList<string>? SpecialtyCodes { get; init; }
    public string? RegionCode { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? PreferredLanguage { get; init; }
    public string? JoinChannel { get; init; }
    public DateOnly? TermStart { get; init; }
    public DateOnly? TermEnd { get; init; }
    public IReadOnlyList<BlackoutInput>? Blackouts { get; init; }
}

/// <summary>A blackout as given; both dates are required (<see cref="ExpertDraft"/> says so when one is missing).</summary>
public sealed record BlackoutInput(DateOnly? From, DateOnly? To, string? Reason);

/// <summary>A blackout that passed the checks.</summary>
public sealed record BlackoutPeriod(DateOnly From, DateOnly To, string? Reason);
