using System.Globalization;
using Bogus;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;

namespace ExpertPool.Domain.Seeding;

/// <summary>An employer to create: name, unified social credit code and other names it is known by.</summary>
public sealed record OrganisationSeed(string Name, string CreditCode, IReadOnlyList<string> Aliases);

/// <summary>A status step after the application: target, reason and when it happened.</summary>
public sealed record StatusStep(ExpertStatus To, string Reason, DateTime At);

/// <summary>One demo expert as a client would send it, plus when the application arrived and the lifecycle steps that followed.</summary>
public sealed record ExpertSeed(ExpertInput Input, DateTime AppliedAt, IReadOnlyList<StatusStep> Steps);

/// <summary>
/// Makes plausible demo data. Pure: everything comes from the random seed and the given date, so the same seed gives the
/// same organisations and experts (names, ID numbers, emails, specialties, statuses). No I/O, no clock.
/// </summary>
public sealed class DemoDataGenerator
{
    private static readonly string[] Brands =
    [
        "华创", "恒达", "永信", "中泰", "新峰", "宏远", "金鼎", "天成", "博远", "精工", "瑞丰", "汇通", "众诚", "安泰", "海纳",
        "明德", "鑫源", "信达", "东方", "长江", "华达", "科力", "正和", "同济", "九州", "远大", "通力", "广信", "德安", "卓越",
        "晨光", "百川", "宏图", "嘉禾", "启明", "诚信", "联创", "锦华", "盛世", "泰和", "新华", "兴业", "光明", "亿利", "万通",
    ];

    private static readonly string[] Industries =
    [
        "机械制造", "电气", "化工", "食品", "纺织", "建材", "电梯", "锅炉", "检测技术", "认证", "仪器仪表", "特种设备",
        "质量技术服务", "标准技术服务", "生物科技", "电子科技", "汽车零部件", "家电", "包装材料", "医疗器械",
    ];

    private static readonly (string Name, string Short)[] Institutes =
    [
        ("质量技术监督检测研究院", "质检院"),
        ("计量科学研究院", "计量院"),
        ("标准化研究院", "标准院"),
        ("特种设备检验研究院", "特检院"),
        ("食品药品检验研究院", "食药检院"),
        ("产品质量监督检验研究院", "产品质检院"),
        ("纤维质量监测中心", "纤检中心"),
        ("知识产权保护中心", "知保中心"),
        ("市场监督管理局", "市场监管局"),
    ];

    private static readonly string[] Universities = ["大学", "工业大学", "理工大学", "科技大学", "财经大学", "职业技术学院", "计量大学"];

    private static readonly (string Title, TitleGrade Grade)[] EngineeringTitles =
    [
        ("正高级工程师", TitleGrade.FullSenior), ("研究员", TitleGrade.FullSenior), ("教授", TitleGrade.FullSenior),
        ("高级工程师", TitleGrade.AssociateSenior), ("高级工程师", TitleGrade.AssociateSenior), ("高级工程师", TitleGrade.AssociateSenior),
        ("副研究员", TitleGrade.AssociateSenior), ("副教授", TitleGrade.AssociateSenior),
        ("工程师", TitleGrade.Intermediate), ("工程师", TitleGrade.Intermediate), ("助理研究员", TitleGrade.Intermediate),
    ];

    private static readonly (string Title, TitleGrade Grade)[] FinanceTitles =
    [
        ("正高级经济师", TitleGrade.FullSenior), ("正高级会计师", TitleGrade.FullSenior), ("教授", TitleGrade.FullSenior),
        ("高级经济师", TitleGrade.AssociateSenior), ("高级会计师", TitleGrade.AssociateSenior), ("高级审计师", TitleGrade.AssociateSenior),
        ("副教授", TitleGrade.AssociateSenior), ("经济师", TitleGrade.Intermediate), ("会计师", TitleGrade.Intermediate),
    ];

    private static readonly (string Title, TitleGrade Grade)[] LawTitles =
    [
        ("一级律师", TitleGrade.FullSenior), ("教授", TitleGrade.FullSenior),
        ("二级律师", TitleGrade.AssociateSenior), ("二级律师", TitleGrade.AssociateSenior), ("副教授", TitleGrade.AssociateSenior),
        ("三级律师", TitleGrade.Intermediate), ("讲师", TitleGrade.Intermediate),
    ];

    private static readonly string[] MailDomains = ["example.cn", "example.com.cn", "example.org.cn", "example.edu.cn"];

    private static readonly int[] MobilePrefixes = [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189];

    private static readonly string[] BlackoutReasons = ["出差 / business trip", "出国访问 / visit abroad", "年休假 / annual leave", "培训学习 / training course", "手术康复 / medical leave", ""];

    private static readonly string[] SuspendReasons =
    [
        "两年内考评平均分低于60分 / average score below 60 over two years",
        "确认参加后无故缺席 / no-show after confirming",
        "本人申请暂停 / suspended at the expert's request",
        "年度信息未确认 / yearly details not re-confirmed",
    ];

    private readonly Faker _faker;
    private readonly Randomizer _random;
    private readonly DateOnly _today;
    private readonly DateTime _now;
    private readonly List<RegionSeed> _zhejiangCities;
    private readonly List<RegionSeed> _otherCities;
    private readonly List<RegionSeed> _provinces;
    private readonly List<SpecialtySeed> _tops;
    private readonly List<(SpecialtySeed Leaf, SpecialtySeed Top)> _leaves;
    private readonly HashSet<string> _idNumbers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _creditCodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _orgNames = new(StringComparer.Ordinal);
    private Dictionary<string, List<OrganisationSeed>> _orgsByProvince = [];
    private List<OrganisationSeed> _orgs = [];

    /// <param name="seed">Everything random derives from this.</param>
    /// <param name="now">The current UTC time; birth dates, terms and histories are placed before it.</param>
    public DemoDataGenerator(int seed, DateTime now)
    {
        _faker = new Faker("zh_CN") { Random = new Randomizer(seed) };
        _random = _faker.Random;
        _now = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        _today = DateOnly.FromDateTime(_now);
        _provinces = ReferenceData.Regions.Where(r => r.ParentCode is null).ToList();
        _zhejiangCities = ReferenceData.Regions.Where(r => r.ParentCode == "330000").ToList();
        _otherCities = ReferenceData.Regions.Where(r => r.ParentCode is not null and not "330000").ToList();
        _tops = ReferenceData.Specialties.ToList();
        _leaves = _tops.SelectMany(t => t.Children.Select(c => (c, t))).ToList();
    }

    /// <summary>Makes <paramref name="count"/> organisations with unique names and credit codes; about one in five has aliases.</summary>
    public IReadOnlyList<OrganisationSeed> Organisations(int count)
    {
        var result = new List<OrganisationSeed>(count);
        var aliases = new HashSet<string>(StringComparer.Ordinal);
        while (result.Count < count)
        {
            var region = PickRegion();
            var place = region.NameZh;
            var shortPlace = ShortName(place);
            var brand = _random.ArrayElement(Brands);
            string name, typeCode;
            List<string> alias = [];
            var kind = _random.Int(1, 100);
            if (kind <= 60)
            {
                var industry = _random.ArrayElement(Industries);
                name = $"{shortPlace}{brand}{industry}{(_random.Bool(0.2f) ? "股份有限公司" : "有限公司")}";
                typeCode = "91";
                alias.Add($"{brand}{industry}");
                alias.Add($"{shortPlace}{brand}");
            }
            else if (kind <= 80)
            {
                var (inst, abbr) = _random.ArrayElement(Institutes);
                name = place + inst;
                typeCode = inst == "市场监督管理局" ? "11" : "12";
                alias.Add(shortPlace + abbr);
            }
            else if (kind <= 88)
            {
                name = shortPlace + _random.ArrayElement(Universities);
                typeCode = "12";
            }
            else if (kind <= 94)
            {
                name = $"{shortPlace}{brand}律师事务所";
                typeCode = "31";
                alias.Add($"{brand}律所");
            }
            else
            {
                name = $"{shortPlace}{brand}会计师事务所有限公司";
                typeCode = "91";
                alias.Add($"{brand}会计所");
            }
            if (!_orgNames.Add(name))
                continue;

            var chosen = new List<string>();
            if (_random.Bool(0.2f))
            {
                foreach (var a in alias.Take(_random.Int(1, 2)))
                {
                    if (!_orgNames.Contains(a) && aliases.Add(a))
                        chosen.Add(a);
                }
            }
            result.Add(new OrganisationSeed(name, NewCreditCode(typeCode, region.Code), chosen));
        }
        _orgs = result;
        _orgsByProvince = result.GroupBy(o => o.CreditCode.Substring(2, 2)).ToDictionary(g => g.Key, g => g.ToList());
        return result;
    }

    /// <summary>The <paramref name="n"/>-th expert (1-based; the number makes the email unique). Call <see cref="Organisations"/> first.</summary>
    public ExpertSeed Expert(int n)
    {
        if (_orgs.Count == 0)
            throw new InvalidOperationException("Generate the organisations first.");

        var region = PickRegion();
        var gender = _random.Bool(0.68f) ? Gender.Male : Gender.Female;
        var name = _faker.Name.LastName() + _faker.Name.FirstName();
        var birth = _today.AddYears(-_random.Int(30, 68)).AddDays(-_random.Int(0, 364));
        var idNumber = NewIdNumber(region.Code, birth, gender);

        var specialtyCount = _random.WeightedRandom([1, 2, 3], [0.5f, 0.35f, 0.15f]);
        var codes = new List<string>(specialtyCount);
        var first = _random.ListItem(_leaves);
        codes.Add(first.Leaf.Code);
        while (codes.Count < specialtyCount)
        {
            // Mostly leaves, now and then a whole top-level field; usually in the same field as the first.
            var code = _random.Bool(0.1f) ? _random.ListItem(_tops).Code
                : _random.Bool(0.7f) ? first.Top.Children[_random.Int(0, first.Top.Children.Count - 1)].Code
                : _random.ListItem(_leaves).Leaf.Code;
            if (!codes.Contains(code))
                codes.Add(code);
        }
        var titles = first.Top.Code switch
        {
            "EF" => FinanceTitles,
            "LW" => LawTitles,
            _ => EngineeringTitles,
        };
        var (title, grade) = _random.ArrayElement(titles);

        var employer = _random.Bool(0.7f) && _orgsByProvince.TryGetValue(region.Code[..2], out var local)
            ? _random.ListItem(local)
            : _random.ListItem(_orgs);

        var status = _random.WeightedRandom(
            [ExpertStatus.Active, ExpertStatus.Applied, ExpertStatus.Suspended, ExpertStatus.Retired, ExpertStatus.Removed],
            [0.84f, 0.06f, 0.04f, 0.05f, 0.01f]);
        var (appliedAt, steps, termStart, termEnd) = Lifecycle(status);

        List<BlackoutInput> blackouts = [];
        if (status == ExpertStatus.Active && _random.Bool(0.08f))
        {
            for (var i = _random.Int(1, 2); i > 0; i--)
            {
                var from = _today.AddDays(_random.Int(1, 180));
                var reason = _random.ArrayElement(BlackoutReasons);
                var to = from.AddDays(_random.Int(0, 13));
                // The same period twice is refused (ExpertDraft): the second one is a different period.
                if (blackouts.Exists(b => b.From == from && b.To == to))
                    to = to.AddDays(1);
                blackouts.Add(new BlackoutInput(from, to, reason.Length == 0 ? null : reason));
            }
        }

        var input = new ExpertInput
        {
            Name = name,
            IdNumber = idNumber,
            Gender = gender.ToString(),
            BirthYear = birth.Year,
            EmployerName = employer.Name,
            EmployerCreditCode = employer.CreditCode,
            Title = title,
            TitleGrade = grade.ToString(),
            SpecialtyCodes = codes,
            RegionCode = region.Code,
            Email = string.Create(CultureInfo.InvariantCulture, $"expert{n:D6}@{_random.ArrayElement(MailDomains)}"),
            Phone = string.Create(CultureInfo.InvariantCulture, $"{_random.ArrayElement(MobilePrefixes)}{_random.Int(0, 99_999_999):D8}"),
            PreferredLanguage = _random.Bool(0.1f) ? "en" : "zh-CN",
            JoinChannel = (_random.Bool(0.2f) ? JoinChannel.EmployerRecommendation : JoinChannel.SelfApplication).ToString(),
            TermStart = termStart,
            TermEnd = termEnd,
            Blackouts = blackouts,
        };
        return new ExpertSeed(input, appliedAt, steps);
    }

    private (DateTime AppliedAt, List<StatusStep> Steps, DateOnly? TermStart, DateOnly? TermEnd) Lifecycle(ExpertStatus status)
    {
        DateTime At(DateOnly day) => day.ToDateTime(new TimeOnly(_random.Int(1, 10), _random.Int(0, 59), _random.Int(0, 59)), DateTimeKind.Utc);
        const string Admitted = "资格审核通过，准予入库 / admitted after review";

        if (status == ExpertStatus.Applied)
            return (At(_today.AddDays(-_random.Int(1, 60))), [], null, null);

        if (status == ExpertStatus.Retired)
        {
            // Admitted three to six years ago; left at the end of the term or earlier at their own request.
            var admitted = _today.AddDays(-_random.Int(3 * 365 + 1, 6 * 365));
            var end = admitted.AddYears(3).AddDays(-1);
            var atEnd = _random.Bool(0.7f);
            var left = atEnd ? end.AddDays(1) : admitted.AddDays(_random.Int(200, 3 * 365 - 2));
            return (At(admitted.AddDays(-_random.Int(7, 45))),
            [
                new(ExpertStatus.Active, Admitted, At(admitted)),
                new(ExpertStatus.Retired, atEnd ? "聘期届满 / term of appointment ended" : "本人申请退出 / left at the expert's request", At(left)),
            ], admitted, end);
        }

        // Active, suspended or removed: admitted within the current three-year term.
        var start = _today.AddDays(-_random.Int(7, 3 * 365 - 30));
        var applied = At(start.AddDays(-_random.Int(7, 45)));
        List<StatusStep> steps = [new(ExpertStatus.Active, Admitted, At(start))];
        var later = At(start.AddDays(_random.Int(1, Math.Max(1, _today.DayNumber - start.DayNumber - 1))));
        if (status == ExpertStatus.Suspended)
            steps.Add(new(ExpertStatus.Suspended, _random.ArrayElement(SuspendReasons), later));
        else if (status == ExpertStatus.Removed)
            steps.Add(new(ExpertStatus.Removed, "发现存在不良信用记录 / bad credit record found", later));
        return (applied, steps, start, start.AddYears(3).AddDays(-1));
    }

    private RegionSeed PickRegion()
    {
        var roll = _random.Int(1, 100);
        return roll <= 60 ? _random.ListItem(_zhejiangCities)
            : roll <= 85 ? _random.ListItem(_otherCities)
            : _random.ListItem(_provinces);
    }

    private string NewIdNumber(string regionCode, DateOnly birth, Gender gender)
    {
        var prefix = regionCode + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        for (var attempt = 0; ; attempt++)
        {
            // The 17th digit is odd for men and even for women.
            var sequence = (_random.Int(0, 499) * 2) + (gender == Gender.Male ? 1 : 0);
            var first17 = prefix + sequence.ToString("D3", CultureInfo.InvariantCulture);
            var id = first17 + ChineseIdNumber.CheckCharacter(first17);
            if (_idNumbers.Add(id))
                return id;
            if (attempt > 1000)
                throw new InvalidOperationException($"No free ID number sequence for {prefix}.");
        }
    }

    private string NewCreditCode(string typeCode, string regionCode)
    {
        while (true)
        {
            // Registration authority + organisation type, the administrative division, a 9-character organisation code, the check character.
            var organisationCode = new char[9];
            for (var i = 0; i < organisationCode.Length; i++)
                organisationCode[i] = UnifiedSocialCreditCode.Alphabet[_random.Int(0, UnifiedSocialCreditCode.Alphabet.Length - 1)];
            var body = typeCode + regionCode + new string(organisationCode);
            var code = body + UnifiedSocialCreditCode.CheckCharacter(body);
            if (_creditCodes.Add(code))
                return code;
        }
    }

    private static string ShortName(string zh)
    {
        foreach (var suffix in new[] { "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市" })
        {
            if (zh.EndsWith(suffix, StringComparison.Ordinal) && zh.Length > suffix.Length + 1)
                return zh[..^suffix.Length];
        }
        return zh;
    }
}
