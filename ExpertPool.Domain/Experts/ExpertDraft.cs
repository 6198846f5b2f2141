using System.Net.Mail;
using System.Text.RegularExpressions;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Experts;

/// <summary>Expert data that passed every format check. Reference checks (specialty, region, employer, duplicates) happen in <see cref="ExpertRegistry"/>.</summary>
public sealed partial record ExpertDraft(
    string Name,
    string IdNumber,
    Gender Gender,
    int BirthYear,
    string? EmployerName,
    string EmployerCreditCode,
    string Title,
    TitleGrade TitleGrade,
    IReadOnlyList<string> SpecialtyCodes,
    string RegionCode,
    string Email,
    string Phone,
    string PreferredLanguage,
    JoinChannel JoinChannel,
    DateOnly? TermStart,
    DateOnly? TermEnd,
    IReadOnlyList<BlackoutPeriod> Blackouts)
{
    public const int NameMax = 100;
    public const int TitleMax = 100;
    public const int EmailMax = 254;

    /// <summary>
    /// Blackouts per expert: an expert's unavailable dates are a handful of periods; thousands would make every read
    /// of the expert (and every change record) megabytes long.
    /// </summary>
    public const int BlackoutsMax = 200;

    public const int BlackoutReasonMax = 200;

    [GeneratedRegex(@"^\+?[0-9][0-9\- ]{5,19}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[0-9]{6}$")]
    private static partial Regex RegionPattern();

    /// <summary>Checks every field and reports all problems at once, keyed by the input field name.</summary>
    public static ExpertDraft? TryCreate(ExpertInput input, Dictionary<string, List<string>> errors)
    {
        void Fail(string field, string reason)
        {
            errors.AddError(field, reason);
        }

        string Req(string? v, string field, int max)
        {
            var t = v?.Trim();
            if (string.IsNullOrEmpty(t))
                Fail(field, "必填 / is required");
            else if (t.Length > max)
                Fail(field, $"不能超过 {max} 个字符 / must be at most {max} characters");
            else if (Guard.TextProblem(t, singleLine: true) is { } problem)
                Fail(field, problem);
            return t ?? "";
        }

        var name = Req(input.Name, "name", NameMax);

        var idNumber = "";
        var gender = Gender.Unspecified;
        var birthYear = 0;
        if (string.IsNullOrWhiteSpace(input.IdNumber))
            Fail("idNumber", "必填 / is required");
        else if (!ChineseIdNumber.TryParse(input.IdNumber, out idNumber, out var birth, out gender, out var idReason))
            Fail("idNumber", idReason);
        else
            birthYear = birth.Year;

        if (!string.IsNullOrWhiteSpace(input.Gender))
        {
            if (!ExpertVocabulary.GenderNames.TryGetValue(input.Gender.Trim(), out var g))
                Fail("gender", "须为 男/Male 或 女/Female / must be Male or Female");
            else if (gender != Gender.Unspecified && g != gender)
                Fail("gender", "与身份证号不符 / does not match the ID number");
        }
        if (input.BirthYear is { } by && birthYear != 0 && by != birthYear)
            Fail("birthYear", "与身份证号不符 / does not match the ID number");

        var employerName = input.EmployerName?.Trim();
        if (employerName?.Length > Organisations.Organisation.NameMax)
            Fail("employerName", $"不能超过 {Organisations.Organisation.NameMax} 个字符 / must be at most {Organisations.Organisation.NameMax} characters");
        else if (employerName is { Length: > 0 } && Guard.TextProblem(employerName, singleLine: true) is { } employerProblem)
            Fail("employerName", employerProblem);
        var creditCode = "";
        if (string.IsNullOrWhiteSpace(input.EmployerCreditCode))
            Fail("employerCreditCode", "必填 / is required");
        else if (!UnifiedSocialCreditCode.TryNormalize(input.EmployerCreditCode, out creditCode, out var cReason))
            Fail("employerCreditCode", cReason);

        var title = Req(input.Title, "title", TitleMax);
        var grade = TitleGrade.Intermediate;
        if (string.IsNullOrWhiteSpace(input.TitleGrade))
            Fail("titleGrade", "必填 / is required");
        else if (!ExpertVocabulary.TitleGradeNames.TryGetValue(input.TitleGrade.Trim(), out grade))
            Fail("titleGrade", "须为 正高级/FullSenior、副高级/AssociateSenior、中级/Intermediate 或 初级/Junior / must be one of FullSenior, AssociateSenior, Intermediate, Junior");

        var specialties = (input.SpecialtyCodes ?? [])
            .Select(c => c?.Trim().ToUpperInvariant() ?? "")
            .Where(c => c.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (specialties.Count == 0)
            Fail("specialtyCodes", "至少一个专业 / at least one specialty is required");
        else if (specialties.Count > 10)
            Fail("specialtyCodes", "最多10个专业 / at most 10 specialties");

        var region = input.RegionCode?.Trim() ?? "";
        if (region.Length == 0)
            Fail("regionCode", "必填 / is required");
        else if (!RegionPattern().IsMatch(region))
            Fail("regionCode", "必须为6位行政区划代码 / must be a 6-digit administrative division code");

        var email = input.Email?.Trim() ?? "";
        if (email.Length == 0)
            Fail("email", "必填 / is required");
        else if (email.Length > EmailMax || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('.', StringComparison.Ordinal))
            Fail("email", "邮箱格式不正确 / is not a valid email address");

        var phone = input.Phone?.Trim() ?? "";
        if (phone.Length == 0)
            Fail("phone", "必填 / is required");
        else if (!PhonePattern().IsMatch(phone))
            Fail("phone", "电话号码格式不正确 / must be digits, optionally with +, spaces or dashes");

        var language = string.IsNullOrWhiteSpace(input.PreferredLanguage) ? "zh-CN" : input.PreferredLanguage.Trim();
        var knownLanguage = ExpertVocabulary.Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));
        if (knownLanguage is null)
            Fail("preferredLanguage", "须为 zh-CN 或 en / must be zh-CN or en");

        var channel = JoinChannel.SelfApplication;
        if (!string.IsNullOrWhiteSpace(input.JoinChannel) && !EnumNames.TryParse(input.JoinChannel, out channel))
            Fail("joinChannel", "须为 SelfApplication（个人申请）或 EmployerRecommendation（单位推荐） / must be SelfApplication or EmployerRecommendation");

        if (input.TermStart is { } tStart && !Guard.IsPlausible(tStart))
            Fail("termStart", Guard.DateRange);
        if (input.TermEnd is { } tEnd && !Guard.IsPlausible(tEnd))
            Fail("termEnd", Guard.DateRange);
        if (input.TermStart is { } ts && input.TermEnd is { } te && te < ts)
            Fail("termEnd", "聘期结束不能早于开始 / must not be before termStart");

        var given = input.Blackouts ?? [];
        if (given.Count > BlackoutsMax)
        {
            Fail("blackouts", $"最多 {BlackoutsMax} 个不可用时段，请合并相邻或重叠的时段 / at most {BlackoutsMax} periods; merge adjacent or overlapping ones");
            given = [];
        }
        var blackouts = new List<BlackoutPeriod>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is not { } b)
            {
                Fail($"blackouts[{i}]", "不能为空 / must not be null");
                continue;
            }
            // An omitted date would otherwise be 0001-01-01: unavailable for every review up to the other date.
            if (b.From is not { } from)
                Fail($"blackouts[{i}].from", "必填 / is required");
            else if (!Guard.IsPlausible(from))
                Fail($"blackouts[{i}].from", Guard.DateRange);
            if (b.To is not { } to)
                Fail($"blackouts[{i}].to", "必填 / is required");
            else if (!Guard.IsPlausible(to))
                Fail($"blackouts[{i}].to", Guard.DateRange);
            else if (b.From is { } f && to < f)
                Fail($"blackouts[{i}].to", "结束日期不能早于开始日期 / must not be before from");
            if (b.Reason?.Length > BlackoutReasonMax)
                Fail($"blackouts[{i}].reason", $"不能超过 {BlackoutReasonMax} 个字符 / must be at most {BlackoutReasonMax} characters");
            else if (b.Reason is { } reason && Guard.TextProblem(reason, singleLine: false) is { } problem)
                Fail($"blackouts[{i}].reason", problem);
            if (b.From is { } bf && b.To is { } bt)
            {
                // The same period twice says nothing more; refused as a repeated preparer or party is.
                if (blackouts.Exists(x => x.From == bf && x.To == bt))
                    Fail($"blackouts[{i}]", $"与前面的时段 {bf:yyyy-MM-dd} 至 {bt:yyyy-MM-dd} 重复 / repeats the period {bf:yyyy-MM-dd} to {bt:yyyy-MM-dd} listed before");
                blackouts.Add(new BlackoutPeriod(bf, bt, b.Reason));
            }
        }

        if (errors.Count > 0)
            return null;

        return new ExpertDraft(name, idNumber, gender, birthYear, string.IsNullOrEmpty(employerName) ? null : employerName, creditCode,
            title, grade, specialties, region, email, phone, knownLanguage!, channel, input.TermStart, input.TermEnd, blackouts);
    }
}
