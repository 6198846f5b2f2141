namespace ExpertPool.Domain.Seeding;

/// <summary>A node of the demo specialty tree; children are leaves.</summary>
public sealed record SpecialtySeed(string Code, string NameZh, string NameEn, IReadOnlyList<SpecialtySeed> Children);

/// <summary>An administrative division (GB/T 2260): a province-level division, or a city when <see cref="ParentCode"/> is set.</summary>
public sealed record RegionSeed(string Code, string NameZh, string NameEn, string? ParentCode);

/// <summary>
/// Reference data for demo and first-run databases: a two-level specialty tree of quality and market-regulation
/// fields, the 31 mainland province-level divisions and the cities of a few provinces (GB/T 2260 codes).
/// </summary>
public static class ReferenceData
{
    public static IReadOnlyList<SpecialtySeed> Specialties { get; } =
    [
        new("QM", "质量管理", "Quality management",
        [
            new("QM01", "质量管理体系", "Quality management systems", []),
            new("QM02", "卓越绩效", "Performance excellence", []),
            new("QM03", "质量分析与改进", "Quality analysis and improvement", []),
            new("QM04", "品牌建设", "Brand building", []),
            new("QM05", "可靠性工程", "Reliability engineering", []),
            new("QM06", "质量基础设施", "National quality infrastructure", []),
        ]),
        new("ST", "标准化", "Standardisation",
        [
            new("ST01", "标准制修订", "Drafting and revising standards", []),
            new("ST02", "企业标准化", "Enterprise standardisation", []),
            new("ST03", "团体标准", "Association standards", []),
            new("ST04", "国际标准化", "International standardisation", []),
            new("ST05", "标准化试点示范", "Standardisation pilots and demonstrations", []),
        ]),
        new("MT", "计量", "Metrology",
        [
            new("MT01", "长度计量", "Length metrology", []),
            new("MT02", "热工计量", "Thermal metrology", []),
            new("MT03", "力学计量", "Mechanical metrology", []),
            new("MT04", "电磁计量", "Electromagnetic metrology", []),
            new("MT05", "化学计量", "Chemical metrology", []),
            new("MT06", "法制计量", "Legal metrology", []),
        ]),
        new("CA", "认证认可", "Certification and accreditation",
        [
            new("CA01", "管理体系认证", "Management system certification", []),
            new("CA02", "产品认证", "Product certification", []),
            new("CA03", "强制性产品认证", "Compulsory product certification (CCC)", []),
            new("CA04", "实验室认可", "Laboratory accreditation", []),
            new("CA05", "检验检测机构资质认定", "Inspection body qualification (CMA)", []),
        ]),
        new("IT", "检验检测", "Inspection and testing",
        [
            new("IT01", "机械", "Mechanical", []),
            new("IT02", "电子电气", "Electrical and electronic", []),
            new("IT03", "化学", "Chemical", []),
            new("IT04", "食品", "Food", []),
            new("IT05", "纺织", "Textiles", []),
            new("IT06", "建筑材料", "Building materials", []),
        ]),
        new("SE", "特种设备", "Special equipment",
        [
            new("SE01", "锅炉", "Boilers", []),
            new("SE02", "压力容器", "Pressure vessels", []),
            new("SE03", "压力管道", "Pressure piping", []),
            new("SE04", "电梯", "Lifts and escalators", []),
            new("SE05", "起重机械", "Lifting appliances", []),
            new("SE06", "场(厂)内专用机动车辆", "On-site special motor vehicles", []),
        ]),
        new("FS", "食品安全", "Food safety",
        [
            new("FS01", "食品生产", "Food production", []),
            new("FS02", "食品经营与餐饮服务", "Food trade and catering", []),
            new("FS03", "特殊食品", "Special foods", []),
            new("FS04", "食用农产品", "Edible agricultural products", []),
            new("FS05", "食品安全风险监测与评估", "Food safety risk monitoring and assessment", []),
        ]),
        new("IP", "知识产权", "Intellectual property",
        [
            new("IP01", "专利", "Patents", []),
            new("IP02", "商标", "Trademarks", []),
            new("IP03", "地理标志", "Geographical indications", []),
            new("IP04", "知识产权运营与保护", "IP commercialisation and protection", []),
        ]),
        new("MS", "市场监管与执法", "Market supervision and enforcement",
        [
            new("MS01", "反垄断", "Anti-monopoly", []),
            new("MS02", "反不正当竞争", "Unfair competition", []),
            new("MS03", "价格监督检查", "Price supervision", []),
            new("MS04", "广告监管", "Advertising supervision", []),
            new("MS05", "网络交易监管", "Online trade supervision", []),
            new("MS06", "消费者权益保护", "Consumer protection", []),
        ]),
        new("PQ", "产品质量安全", "Product quality and safety",
        [
            new("PQ01", "产品质量监督抽查", "Product quality spot checks", []),
            new("PQ02", "缺陷产品召回", "Defective product recall", []),
            new("PQ03", "工业产品生产许可", "Industrial product production licensing", []),
            new("PQ04", "产品伤害监测", "Product injury monitoring", []),
        ]),
        new("EF", "经济管理与财务", "Economics and finance",
        [
            new("EF01", "经济管理", "Economic management", []),
            new("EF02", "财务审计", "Financial audit", []),
            new("EF03", "资产评估", "Asset valuation", []),
            new("EF04", "项目投资评价", "Investment appraisal", []),
        ]),
        new("LW", "法律", "Law",
        [
            new("LW01", "行政法", "Administrative law", []),
            new("LW02", "民商法", "Civil and commercial law", []),
            new("LW03", "经济法", "Economic law", []),
            new("LW04", "诉讼与仲裁", "Litigation and arbitration", []),
        ]),
    ];

    private static readonly (string Code, string Zh, string En)[] Provinces =
    [
        ("110000", "北京市", "Beijing"),
        ("120000", "天津市", "Tianjin"),
        ("130000", "河北省", "Hebei"),
        ("140000", "山西省", "Shanxi"),
        ("150000", "内蒙古自治区", "Inner Mongolia"),
        ("210000", "辽宁省", "Liaoning"),
        ("220000", "吉林省", "Jilin"),
        ("230000", "黑龙江省", "Heilongjiang"),
        ("310000", "上海市", "Shanghai"),
        ("320000", "江苏省", "Jiangsu"),
        ("330000", "浙江省", "Zhejiang"),
        ("340000", "安徽省", "Anhui"),
        ("350000", "福建省", "Fujian"),
        ("360000", "江西省", "Jiangxi"),
        ("370000", "山东省", "Shandong"),
        ("410000", "河南省", "Henan"),
        ("420000", "湖北省", "Hubei"),
        ("430000", "湖南省", "Hunan"),
        ("440000", "广东省", "Guangdong"),
        ("450000", "广西壮族自治区", "Guangxi"),
        ("460000", "海南省", "Hainan"),
        ("500000", "重庆市", "Chongqing"),
        ("510000", "四川省", "Sichuan"),
        ("520000", "贵州省", "Guizhou"),
        ("530000", "云南省", "Yunnan"),
        ("540000", "西藏自治区", "Xizang"),
        ("610000", "陕西省", "Shaanxi"),
        ("620000", "甘肃省", "Gansu"),
        ("630000", "青海省", "Qinghai"),
        ("640000", "宁夏回族自治区", "Ningxia"),
        ("650000", "新疆维吾尔自治区", "Xinjiang"),
    ];

    private static readonly (string Code, string Zh, string En)[] Cities =
    [
        // 浙江省 Zhejiang
        ("330100", "杭州市", "Hangzhou"),
        ("330200", "宁波市", "Ningbo"),
        ("330300", "温州市", "Wenzhou"),
        ("330400", "嘉兴市", "Jiaxing"),
        ("330500", "湖州市", "Huzhou"),
        ("330600", "绍兴市", "Shaoxing"),
        ("330700", "金华市", "Jinhua"),
        ("330800", "衢州市", "Quzhou"),
        ("330900", "舟山市", "Zhoushan"),
        ("331000", "台州市", "Taizhou"),
        ("331100", "丽水市", "Lishui"),
        // 江苏省 Jiangsu
        ("320100", "南京市", "Nanjing"),
        ("320200", "无锡市", "Wuxi"),
        ("320300", "徐州市", "Xuzhou"),
        ("320400", "常州市", "Changzhou"),
        ("320500", "苏州市", "Suzhou"),
        ("320600", "南通市", "Nantong"),
        ("320700", "连云港市", "Lianyungang"),
        ("320800", "淮安市", "Huai'an"),
        ("320900", "盐城市", "Yancheng"),
        ("321000", "扬州市", "Yangzhou"),
        ("321100", "镇江市", "Zhenjiang"),
        ("321200", "泰州市", "Taizhou (Jiangsu)"),
        ("321300", "宿迁市", "Suqian"),
        // 山东省 Shandong (莱芜 371200 was merged into 济南 in 2019)
        ("370100", "济南市", "Jinan"),
        ("370200", "青岛市", "Qingdao"),
        ("370300", "淄博市", "Zibo"),
        ("370400", "枣庄市", "Zaozhuang"),
        ("370500", "东营市", "Dongying"),
        ("370600", "烟台市", "Yantai"),
        ("370700", "潍坊市", "Weifang"),
        ("370800", "济宁市", "Jining"),
        ("370900", "泰安市", "Tai'an"),
        ("371000", "威海市", "Weihai"),
        ("371100", "日照市", "Rizhao"),
        ("371300", "临沂市", "Linyi"),
        ("371400", "德州市", "Dezhou"),
        ("371500", "聊城市", "Liaocheng"),
        ("371600", "滨州市", "Binzhou"),
        ("371700", "菏泽市", "Heze"),
        // 广东省 Guangdong
        ("440100", "广州市", "Guangzhou"),
        ("440200", "韶关市", "Shaoguan"),
        ("440300", "深圳市", "Shenzhen"),
        ("440400", "珠海市", "Zhuhai"),
        ("440500", "汕头市", "Shantou"),
        ("440600", "佛山市", "Foshan"),
        ("440700", "江门市", "Jiangmen"),
        ("440800", "湛江市", "Zhanjiang"),
        ("440900", "茂名市", "Maoming"),
        ("441200", "肇庆市", "Zhaoqing"),
        ("441300", "惠州市", "Huizhou"),
        ("441400", "梅州市", "Meizhou"),
        ("441500", "汕尾市", "Shanwei"),
        ("441600", "河源市", "Heyuan"),
        ("441700", "阳江市", "Yangjiang"),
        ("441800", "清远市", "Qingyuan"),
        ("441900", "东莞市", "Dongguan"),
        ("442000", "中山市", "Zhongshan"),
        ("445100", "潮州市", "Chaozhou"),
        ("445200", "揭阳市", "Jieyang"),
        ("445300", "云浮市", "Yunfu"),
        // 安徽省 Anhui
        ("340100", "合肥市", "Hefei"),
        ("340200", "芜湖市", "Wuhu"),
        ("340300", "蚌埠市", "Bengbu"),
        ("340400", "淮南市", "Huainan"),
        ("340500", "马鞍山市", "Ma'anshan"),
        ("340600", "淮北市", "Huaibei"),
        ("340700", "铜陵市", "Tongling"),
        ("340800", "安庆市", "Anqing"),
        ("341000", "黄山市", "Huangshan"),
        ("341100", "滁州市", "Chuzhou"),
        ("341200", "阜阳市", "Fuyang"),
        ("341300", "宿州市", "Suzhou (Anhui)"),
        ("341500", "六安市", "Lu'an"),
        ("341600", "亳州市", "Bozhou"),
        ("341700", "池州市", "Chizhou"),
        ("341800", "宣城市", "Xuancheng"),
    ];

    // Declared after the arrays it reads: static initialisers run in text order.
    /// <summary>Province-level divisions first, then cities (a parent always comes before its children).</summary>
    public static IReadOnlyList<RegionSeed> Regions { get; } = BuildRegions();

    private static List<RegionSeed> BuildRegions()
    {
        var list = Provinces.Select(p => new RegionSeed(p.Code, p.Zh, p.En, null)).ToList();
        list.AddRange(Cities.Select(c => new RegionSeed(c.Code, c.Zh, c.En, string.Concat(c.Code.AsSpan(0, 2), "0000"))));
        return list;
    }
}
