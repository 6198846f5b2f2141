using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;

namespace ExpertPool.Api.Experts;

public sealed record ExpertRequest(
    string? Name,
    string? IdNumber,
    string? Gender,
    int? BirthYear,
    string? EmployerName,
    string? EmployerCreditCode,
    string? Title,
    string? TitleGrade,
    IReadOnlyList<string>? SpecialtyCodes,
    string? RegionCode,
    string? Email,
    string? Phone,
    string? PreferredLanguage,
    string? JoinChannel,
    DateOnly? TermStart,
    DateOnly? TermEnd,
    IReadOnlyList<BlackoutInput>? Blackouts)
{
    public ExpertInput ToInput() => new()
    {
        Name = Name,
        IdNumber = IdNumber,
        Gender = Gender,
        BirthYear = BirthYear,
        EmployerName = EmployerName,
        EmployerCreditCode = EmployerCreditCode,
        Title = Title,
        TitleGrade = TitleGrade,
        SpecialtyCodes = SpecialtyCodes,
        RegionCode = RegionCode,
        Email = Email,
        Phone = Phone,
        PreferredLanguage = PreferredLanguage,
        JoinChannel = JoinChannel,
        TermStart = TermStart,
        TermEnd = TermEnd,
        Blackouts = Blackouts,
    };
}

public sealed record StatusChangeRequest(string? Status, string? Reason);

public sealed record EmployerDto(Guid Id, string Name, string CreditCode);

public sealed record SpecialtyRef(string Code, string NameZh, string NameEn);

public sealed record BlackoutDto(DateOnly From, DateOnly To, string? Reason);

/// <summary>An application from the public form: what the applicant declared beside the registry fields, and the declaration they accepted.</summary>
public sealed record ApplicationDto(string Reference, string Channel, int YearsOfExperience, string Statement, string? Recommender, string ConsentText, DateTime SubmittedAt);

public sealed record StatusChangeDto(string? From, string To, string Reason, string Actor, DateTime ChangedAt);

/// <summary>
/// One entry of an expert's registry history (decision 026): the state after the change, which fields it changed, who
/// and when. Personal data is stored masked, so it is masked for every reader; numbers and addresses in the blackouts'
/// reasons are masked for non-administrators.
/// </summary>
public sealed record ExpertChangeDto(
    string Kind,
    int Version,
    IReadOnlyList<string> ChangedFields,
    string Name,
    string IdNumber,
    string Gender,
    Guid EmployerId,
    string Title,
    string TitleGrade,
    string RegionCode,
    IReadOnlyList<string> SpecialtyCodes,
    DateOnly? TermStart,
    DateOnly? TermEnd,
    IReadOnlyList<BlackoutDto> Blackouts,
    string Email,
    string Phone,
    string PreferredLanguage,
    string JoinChannel,
    string ChangedBy,
    DateTime ChangedAt)
{
    public static ExpertChangeDto From(ExpertChange c, bool personalData) => new(
        c.Kind.ToString(), c.Version, c.ChangedFieldList, c.Name, c.IdNumberMasked, c.Gender.ToString(), c.EmployerId, c.Title, c.TitleGrade.ToString(),
        c.RegionCode, c.SpecialtyCodeList, c.TermStart, c.TermEnd,
        c.Blackouts.Select(b => new BlackoutDto(DateOnly.ParseExact(b.From, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.ParseExact(b.To, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), PersonalData.ForReader(b.Reason, personalData))).ToList(),
        c.EmailMasked, c.PhoneMasked, c.PreferredLanguage, c.JoinChannel.ToString(), c.ChangedBy, c.ChangedAt);
}

/// <summary>
/// One expert as a reader sees it: ID number, phone and email masked unless the caller is an administrator, and so are
/// numbers and addresses inside the blackouts' reasons.
/// </summary>
public sealed record ExpertDto(
    Guid Id,
    string Name,
    string IdNumber,
    string Gender,
    int BirthYear,
    EmployerDto Employer,
    string Title,
    string TitleGrade,
    IReadOnlyList<SpecialtyRef> Specialties,
    string RegionCode,
    string Email,
    string Phone,
    string PreferredLanguage,
    string JoinChannel,
    string Status,
    DateOnly? TermStart,
    DateOnly? TermEnd,
    IReadOnlyList<BlackoutDto> Blackouts,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static ExpertDto From(Expert e, bool personalData) => new(
        e.Id,
        e.Name,
        personalData ? e.IdNumber : ChineseIdNumber.Mask(e.IdNumber),
        e.Gender.ToString(),
        e.BirthYear,
        new EmployerDto(e.EmployerId, e.Employer?.Name ?? "", e.Employer?.CreditCode ?? ""),
        e.Title,
        e.TitleGrade.ToString(),
        e.Specialties.Where(s => s.Specialty is not null).Select(s => new SpecialtyRef(s.Specialty!.Code, s.Specialty.NameZh, s.Specialty.NameEn)).OrderBy(s => s.Code, StringComparer.Ordinal).ToList(),
        e.RegionCode,
        personalData ? e.Email : PersonalData.MaskEmail(e.Email),
        personalData ? e.Phone : PersonalData.MaskPhone(e.Phone),
        e.PreferredLanguage,
        e.JoinChannel.ToString(),
        e.Status.ToString(),
        e.TermStart,
        e.TermEnd,
        e.Blackouts.OrderBy(b => b.From).Select(b => new BlackoutDto(b.From, b.To, PersonalData.ForReader(b.Reason, personalData))).ToList(),
        e.Version,
        e.CreatedAt,
        e.UpdatedAt);
}

/// <summary>A row of the expert list.</summary>
public sealed record ExpertSummary(
    Guid Id,
    string Name,
    string IdNumber,
    string EmployerName,
    string Title,
    string TitleGrade,
    IReadOnlyList<string> SpecialtyCodes,
    string RegionCode,
    string Phone,
    string Status);

