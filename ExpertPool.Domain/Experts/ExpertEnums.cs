namespace ExpertPool.Domain.Experts;

/// <summary>Lifecycle: applied → active → suspended → removed (出库), or retired.</summary>
public enum ExpertStatus
{
    Applied = 0,
    Active = 1,
    Suspended = 2,
    Removed = 3,
    Retired = 4,
}

/// <summary>Grade of the professional title (职称级别).</summary>
public enum TitleGrade
{
    Junior = 1,
    Intermediate = 2,
    AssociateSenior = 3,
    FullSenior = 4,
}

/// <summary>How the expert came to the pool (公开征集: self-application, or recommendation by the employer with consent).</summary>
public enum JoinChannel
{
    SelfApplication = 0,
    EmployerRecommendation = 1,
}

public static class ExpertVocabulary
{
    public static readonly IReadOnlyDictionary<string, TitleGrade> TitleGradeNames = new Dictionary<string, TitleGrade>(StringComparer.OrdinalIgnoreCase)
    {
        ["Junior"] = TitleGrade.Junior,
        ["初级"] = TitleGrade.Junior,
        ["Intermediate"] = TitleGrade.Intermediate,
        ["中级"] = TitleGrade.Intermediate,
        ["AssociateSenior"] = TitleGrade.AssociateSenior,
        ["副高级"] = TitleGrade.AssociateSenior,
        ["副高"] = TitleGrade.AssociateSenior,
        ["FullSenior"] = TitleGrade.FullSenior,
        ["正高级"] = TitleGrade.FullSenior,
        ["正高"] = TitleGrade.FullSenior,
    };

    public static readonly IReadOnlyDictionary<string, Common.Gender> GenderNames = new Dictionary<string, Common.Gender>(StringComparer.OrdinalIgnoreCase)
    {
        ["Male"] = Common.Gender.Male,
        ["M"] = Common.Gender.Male,
        ["男"] = Common.Gender.Male,
        ["Female"] = Common.Gender.Female,
        ["F"] = Common.Gender.Female,
        ["女"] = Common.Gender.Female,
    };

    public static readonly IReadOnlyDictionary<string, ExpertStatus> StatusNames = new Dictionary<string, ExpertStatus>(StringComparer.OrdinalIgnoreCase)
    {
        ["Applied"] = ExpertStatus.Applied,
        ["申请中"] = ExpertStatus.Applied,
        ["Active"] = ExpertStatus.Active,
        ["在库"] = ExpertStatus.Active,
        ["Suspended"] = ExpertStatus.Suspended,
        ["暂停"] = ExpertStatus.Suspended,
        ["Removed"] = ExpertStatus.Removed,
        ["出库"] = ExpertStatus.Removed,
        ["Retired"] = ExpertStatus.Retired,
        ["退出"] = ExpertStatus.Retired,
    };

    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en"];

    public static string Label(TitleGrade grade) => grade switch
    {
        TitleGrade.Junior => "初级",
        TitleGrade.Intermediate => "中级",
        TitleGrade.AssociateSenior => "副高级",
        TitleGrade.FullSenior => "正高级",
        _ => grade.ToString(),
    };

    public static string Label(ExpertStatus status) => status switch
    {
        ExpertStatus.Applied => "申请中",
        ExpertStatus.Active => "在库",
        ExpertStatus.Suspended => "暂停",
        ExpertStatus.Removed => "出库",
        ExpertStatus.Retired => "退出",
        _ => status.ToString(),
    };

    public static string Label(RelationKind kind) => kind switch
    {
        RelationKind.Employment => "劳动关系",
        RelationKind.Director => "董事",
        RelationKind.Supervisor => "监事",
        RelationKind.ControllingShareholder => "控股股东",
        RelationKind.ActualController => "实际控制人",
        RelationKind.Investment => "投资关系",
        RelationKind.LegalDispute => "法律纠纷",
        RelationKind.FamilyOfLegalRepresentative => "法定代表人亲属",
        _ => "其他关系",
    };
}
