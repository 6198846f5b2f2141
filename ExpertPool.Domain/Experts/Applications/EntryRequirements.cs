using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Experts.Applications;

/// <summary>
/// Who may apply: a senior title (副高级 or 正高级), or an intermediate one (中级) with enough years of experience, and
/// no older than the age limit. Whether the applicant has a bad credit record, and everything else, the administrator
/// checks when reviewing the application.
/// </summary>
public static class EntryRequirements
{
    /// <summary>Adds a reason for each requirement the applicant does not meet, keyed by the form field it concerns.</summary>
    public static void Check(TitleGrade grade, int yearsOfExperience, DateOnly birthDate, DateOnly today, ApplicationOptions options, Dictionary<string, List<string>> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var age = AgeOn(birthDate, today);
        if (age > options.MaxAge)
            errors.AddError("idNumber", $"申请人年龄不得超过 {options.MaxAge} 周岁（按身份证号为 {age} 周岁） / applicants must be at most {options.MaxAge} years old (the ID number gives {age})");
        if (grade == TitleGrade.Junior)
            errors.AddError("titleGrade", "须具有中级及以上职称 / an intermediate or senior title is required");
        else if (grade == TitleGrade.Intermediate && yearsOfExperience < options.MinYearsWithIntermediateTitle)
            errors.AddError("yearsOfExperience", $"中级职称须从事本专业工作满 {options.MinYearsWithIntermediateTitle} 年 / with an intermediate title, at least {options.MinYearsWithIntermediateTitle} years of experience are required");
    }

    /// <summary>Full years completed on <paramref name="today"/> (a birthday on 29 February counts from 1 March in other years).</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly today)
    {
        var age = today.Year - birthDate.Year;
        if (today.Month < birthDate.Month || (today.Month == birthDate.Month && today.Day < birthDate.Day))
            age--;
        return age;
    }
}
