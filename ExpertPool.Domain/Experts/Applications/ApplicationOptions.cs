using System.ComponentModel.DataAnnotations;

namespace ExpertPool.Domain.Experts.Applications;

/// <summary>
/// The public application form (公开征集) and its entry requirements. Rules differ between regions, so each figure is
/// configurable; the defaults are the common ones (decision 030).
/// </summary>
public sealed class ApplicationOptions
{
    public const string Section = "Applications";

    /// <summary>Whether <c>/apply</c> takes applications. Off: the page says so and nothing is stored.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The oldest an applicant may be on the day they apply (full years, from the ID number's birth date).</summary>
    [Range(18, 100)]
    public int MaxAge { get; set; } = 65;

    /// <summary>An intermediate title (中级) qualifies with at least this many years of experience; a senior one always does.</summary>
    [Range(0, 50)]
    public int MinYearsWithIntermediateTitle { get; set; } = 8;

    /// <summary>Submissions accepted per client address per hour (the form is open to anyone).</summary>
    [Range(1, 100_000)]
    public int PermitsPerHour { get; set; } = 10;
}
