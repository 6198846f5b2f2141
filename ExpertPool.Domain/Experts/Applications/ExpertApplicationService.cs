using ExpertPool.Domain.Common;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Experts.Applications;

/// <summary>What the public form sends: the registry fields of <see cref="ExpertInput"/> an applicant may give, and the application's own.</summary>
public sealed record ApplicationInput
{
    public string? Name { get; init; }
    public string? IdNumber { get; init; }
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
    public string? YearsOfExperience { get; init; }
    public string? Statement { get; init; }
    public string? Recommender { get; init; }
    public bool Consent { get; init; }
}

/// <summary>
/// Takes applications from the public form (公开征集): checks the form and the entry requirements, then registers the
/// applicant through <see cref="ExpertRegistry"/> (status <see cref="ExpertStatus.Applied"/>, so never drawn before an
/// administrator admits them) and keeps the application beside it, with a receipt to the applicant: all in one save.
/// </summary>
public sealed class ExpertApplicationService(
    ExpertPoolDbContext db,
    ExpertRegistry registry,
    NoticeOutbox outbox,
    IOptions<ApplicationOptions> options,
    IOptions<InvitationOptions> invitationOptions,
    TimeProvider clock)
{
    /// <summary>The actor of the registration and of the first status entry.</summary>
    public const string Actor = "公开征集申请 / public application";

    public const string ConsentText =
        "本人承诺所填信息真实、准确，同意专家库管理部门为入库审核、随机抽取和通知之目的处理上述个人信息，并遵守专家库的回避、保密和评审纪律。 / " +
        "I confirm that the information above is true and accurate, agree that the expert-pool administration processes this personal data to review my application, draw panels and send notices, and will follow the pool's rules on conflicts of interest, confidentiality and review conduct.";

    public async Task<(Expert Expert, ExpertApplication Application)> SubmitAsync(ApplicationInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!options.Value.Enabled)
            throw new DomainConflictException("目前不接受入库申请 / Applications are not being taken at present.");
        var errors = new Dictionary<string, List<string>>();
        var expertInput = new ExpertInput
        {
            Name = input.Name,
            IdNumber = input.IdNumber,
            EmployerName = input.EmployerName,
            EmployerCreditCode = input.EmployerCreditCode,
            Title = input.Title,
            TitleGrade = input.TitleGrade,
            SpecialtyCodes = input.SpecialtyCodes,
            RegionCode = input.RegionCode,
            Email = input.Email,
            Phone = input.Phone,
            PreferredLanguage = input.PreferredLanguage,
            JoinChannel = string.IsNullOrWhiteSpace(input.JoinChannel) ? null : input.JoinChannel,
        };
        var draft = ExpertDraft.TryCreate(expertInput, errors);

        var years = -1;
        if (string.IsNullOrWhiteSpace(input.YearsOfExperience))
            errors.AddError("yearsOfExperience", "必填 / is required");
        else if (!int.TryParse(input.YearsOfExperience.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out years)
                 || years > ExpertApplication.MaxYearsOfExperience)
            errors.AddError("yearsOfExperience", $"须为 0 至 {ExpertApplication.MaxYearsOfExperience} 的整数 / must be a whole number from 0 to {ExpertApplication.MaxYearsOfExperience}");
        var statement = input.Statement?.Trim();
        if (string.IsNullOrEmpty(statement))
            errors.AddError("statement", "请简述专业工作经历 / please describe your professional experience");
        else if (statement.Length > ExpertApplication.StatementMax)
            errors.AddError("statement", $"不能超过 {ExpertApplication.StatementMax} 个字符 / must be at most {ExpertApplication.StatementMax} characters");
        else if (Guard.TextProblem(statement, singleLine: false) is { } statementProblem)
            // Reported with the other fields, not only once the expert is about to be saved (ExpertApplication.Create).
            errors.AddError("statement", statementProblem);
        var recommender = input.Recommender?.Trim();
        if (recommender?.Length > ExpertApplication.RecommenderMax)
            errors.AddError("recommender", $"不能超过 {ExpertApplication.RecommenderMax} 个字符 / must be at most {ExpertApplication.RecommenderMax} characters");
        else if (recommender is { Length: > 0 } && Guard.TextProblem(recommender, singleLine: false) is { } recommenderProblem)
            errors.AddError("recommender", recommenderProblem);
        if (draft?.JoinChannel == JoinChannel.EmployerRecommendation && string.IsNullOrEmpty(recommender))
            errors.AddError("recommender", "单位推荐须填写推荐单位的联系人或部门 / a recommendation by the employer needs the recommending person or office");
        if (!input.Consent)
            errors.AddError("consent", "须阅读并同意承诺 / you must read and accept the declaration");

        var now = clock.GetUtcNow();
        if (draft is not null && years >= 0 && ChineseIdNumber.TryParse(draft.IdNumber, out _, out var birthDate, out _, out _))
            EntryRequirements.Check(draft.TitleGrade, years, birthDate, DateOnly.FromDateTime(now.ToOffset(NoticeTemplates.ChinaStandardTime).DateTime), options.Value, errors);
        if (errors.Count > 0)
            throw new DomainValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

        var specialties = await db.Specialties
            .Where(sp => draft!.SpecialtyCodes.Contains(sp.Code))
            .OrderBy(sp => sp.Code)
            .Select(sp => new { sp.Code, sp.NameZh, sp.NameEn })
            .ToListAsync(ct);
        ExpertApplication? application = null;
        var expert = await registry.CreateAsync(expertInput, Actor, ct, created =>
        {
            application = ExpertApplication.Create(created.Id, created.JoinChannel, years, statement, recommender, ConsentText, now.UtcDateTime);
            db.Set<ExpertApplication>().Add(application);
            var receipt = NoticeTemplates.ApplicationReceipt(new ApplicationReceiptNotice(
                created.Name, Reference(application.Id), now, ChineseIdNumber.Mask(created.IdNumber),
                specialties.Select(sp => $"{sp.Code} {sp.NameZh}").ToList(), specialties.Select(sp => $"{sp.Code} {sp.NameEn}").ToList(),
                invitationOptions.Value.AdministratorEmail));
            outbox.Enqueue(db, new NoticeRecipient(created.Email, created.Name), receipt, application.Id.ToString());
        });
        return (expert, application!);
    }

    /// <summary>The reference an applicant quotes: the application id's last 12 hex digits, upper case (random, unlike its time-ordered start).</summary>
    public static string Reference(Guid applicationId) => "SQ-" + applicationId.ToString("N")[20..].ToUpperInvariant();
}
