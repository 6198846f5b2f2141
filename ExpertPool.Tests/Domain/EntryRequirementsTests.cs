using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Experts.Applications;

namespace ExpertPool.Tests.Domain;

public sealed class EntryRequirementsTests
{
    [Theory]
    [InlineData("1961-12-03", "2026-12-03", 65)]
    [InlineData("1961-12-04", "2026-12-03", 64)]
    [InlineData("2000-02-29", "2026-02-28", 25)]
    [InlineData("2000-02-29", "2026-03-01", 26)]
    public void AgeOn_CountsFullYearsCompleted(string birth, string today, int age) =>
        EntryRequirements.AgeOn(DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(age);

    [Theory]
    [InlineData(TitleGrade.FullSenior, 0, "1961-12-03", null)]
    [InlineData(TitleGrade.FullSenior, 0, "1961-12-02", null)]
    [InlineData(TitleGrade.FullSenior, 0, "1960-12-03", "idNumber")]
    [InlineData(TitleGrade.AssociateSenior, 1, "1980-01-01", null)]
    [InlineData(TitleGrade.Intermediate, 8, "1980-01-01", null)]
    [InlineData(TitleGrade.Intermediate, 7, "1980-01-01", "yearsOfExperience")]
    [InlineData(TitleGrade.Junior, 30, "1980-01-01", "titleGrade")]
    public void Check_ReportsTheRequirementNotMet(TitleGrade grade, int years, string birth, string? field)
    {
        var errors = new Dictionary<string, List<string>>();

        EntryRequirements.Check(grade, years, DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2026, 12, 3), new ApplicationOptions(), errors);

        if (field is null)
            errors.Should().BeEmpty();
        else
            errors.Keys.Should().Equal(field);
    }
}
