using System.Globalization;
using System.Text.RegularExpressions;

namespace ExpertPool.Domain.Draws;

/// <summary>
/// What each verification check establishes, in Chinese then English, for auditors reading a verification result. The
/// check names stay the machine-readable labels of docs/draw-algorithm.md §10; these texts only explain them.
/// </summary>
public static partial class VerificationTexts
{
    private static readonly Dictionary<string, (string Zh, string En)> Fixed = new(StringComparer.Ordinal)
    {
        ["documentSha256"] = ("存储的记录文档与抽取时计算的 SHA-256 摘要一致", "the stored record document has the SHA-256 computed when the draw was saved"),
        ["document"] = ("记录文档可以完整读取", "the record document can be read"),
        ["publishedCommitment"] = ("记录中的承诺值就是安排抽取时公布的承诺值", "the record's commitment is the one published when the draw was scheduled"),
        ["drawId"] = ("记录文档写明的是本次抽取的编号", "the record document names this draw's id"),
        ["algorithm"] = ("仅凭记录重新计算，得到与记录完全相同的抽取结果", "re-run from the record alone, the draw gives exactly the recorded result"),
        ["algorithmVersion"] = ("记录使用的算法版本可识别", "the record's algorithm version is known"),
        ["nonce"] = ("揭示的随机数（nonce）为 64 位小写十六进制", "the revealed nonce is 64 lowercase hexadecimal digits"),
        ["commitment"] = ("揭示的随机数（nonce）的哈希等于承诺值", "the revealed nonce hashes to the commitment"),
        ["input"] = ("记录中的抽取输入有效", "the record's draw input is valid"),
        ["poolHash"] = ("按记录中的冻结专家库重新计算的哈希与记录一致", "the hash recomputed from the record's frozen pool matches"),
        ["seed"] = ("由记录中的输入重新推导的随机种子与记录一致", "the seed re-derived from the record's inputs matches"),
        ["succeeded"] = ("抽取成功或失败的结论一致", "success or failure of the draw matches"),
        ["selection count"] = ("抽取结果中的名额数量一致", "the number of quotas in the selection matches"),
        ["storedSelections"] = ("数据库中的入选记录与记录文档一致", "the stored selection rows match the record document"),
        ["storedCommitment"] = ("记录行的承诺值与记录文档一致", "the row's commitment matches the record document"),
        ["storedNonce"] = ("记录行的随机数（nonce）与记录文档一致", "the row's nonce matches the record document"),
        ["storedPoolHash"] = ("记录行的专家库哈希与记录文档一致", "the row's pool hash matches the record document"),
        ["storedSeed"] = ("记录行的随机种子与记录文档一致", "the row's seed matches the record document"),
        ["storedRuleSetVersion"] = ("记录行的回避规则版本与记录文档一致", "the row's rule-set version matches the record document"),
        ["storedOutcome"] = ("记录行的抽取结论与记录文档一致", "the row's outcome matches the record document"),
        ["members"] = ("记录恰好包含规定的顶层字段", "the record has exactly the specified top-level members"),
        ["storedContext"] = ("记录行的申请人、监督人、执行人、时间、规则版本和失败原因与记录文档一致", "the row's requester, supervisor, executor, times, rule set and failure reason match the record document"),
        ["storedTotals"] = ("记录行的符合条件人数（各名额组之和）和回避人数与记录文档一致", "the row's eligible count (summed over quotas) and excluded count match the record document"),
        ["storedQuotas"] = ("抽取申请中保存的名额与记录文档一致", "the panel request's stored quotas match the record document"),
        ["storedEntropy"] = ("抽取申请录入的外部随机数与记录文档一致（按录入顺序）", "the external entropy entered for the request, in entry order, matches the record document"),
        ["invitations"] = ("邀请与递补记录与抽取结果一致：只邀请抽中的专家到其席位，候补专家按排名顺序递补放弃的席位", "the invitations and replacements follow the draw: only the drawn experts invited to their seats, and backups filling seats given up in rank order"),
        ["timeline"] = ("先承诺后揭示的时间顺序成立：承诺 ≤ 计划抽取时间 ≤ 执行时间，外部随机数在承诺之后、抽取之前录入", "commit, then reveal, in time: committed ≤ scheduled ≤ executed, and the entropy was entered after the commitment and by the draw"),
        ["ruleSetPinned"] = ("抽取采用的是录入外部随机数时锁定的回避规则版本", "the draw applied the rule-set version pinned when the entropy was entered"),
    };

    [GeneratedRegex(@"^quota (?<key>.+) (?<what>key|eligibleCount|availableCount|member rank (?<rank>\d+)|member count|backup rank (?<brank>\d+)|backup count|shortfall|backupShortfall)$", RegexOptions.CultureInvariant)]
    private static partial Regex QuotaCheck();

    /// <summary>What the check named <paramref name="name"/> establishes: Chinese, then English, joined by " / ".</summary>
    public static string Describe(string name)
    {
        var (zh, en) = Parts(name);
        return $"{zh} / {en}";
    }

    /// <summary>The result in one sentence, Chinese then English: verified, or where it first diverges and how many checks failed.</summary>
    public static string Summary(DrawVerificationResult result)
    {
        var total = result.Checks.Count;
        if (result.Matches)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"核验通过：{total} 项检查全部一致，仅凭记录重新计算得到相同的抽取结果 / Verified: all {total} checks pass; re-run from the record, the draw gives the same result");
        }
        var failed = result.Checks.Count(c => !c.Passed);
        var (zh, en) = Parts(result.FirstDivergence ?? "");
        return string.Create(CultureInfo.InvariantCulture,
            $"核验不通过：{total} 项检查中 {failed} 项不一致，首个不一致之处为 {result.FirstDivergence}（应当：{zh}） / Not verified: {failed} of {total} checks fail; the first divergence is {result.FirstDivergence} (expected: {en})");
    }

    private static (string Zh, string En) Parts(string name)
    {
        if (Fixed.TryGetValue(name, out var text))
            return text;
        var m = QuotaCheck().Match(name);
        if (!m.Success)
            return (name, name);
        var key = m.Groups["key"].Value;
        var what = m.Groups["what"].Value;
        return what switch
        {
            "key" => ($"名额 {key} 的编号一致", $"quota {key}'s key matches"),
            "eligibleCount" => ($"名额 {key} 的符合条件人数一致", $"quota {key}'s eligible count matches"),
            "availableCount" => ($"名额 {key} 的可抽取人数（扣除前序名额已抽中者）一致", $"quota {key}'s available count (after earlier quotas' picks) matches"),
            "member count" => ($"名额 {key} 的正选人数一致", $"quota {key}'s number of members matches"),
            "backup count" => ($"名额 {key} 的候补人数一致", $"quota {key}'s number of backups matches"),
            "shortfall" => ($"名额 {key} 的缺额一致", $"quota {key}'s shortfall matches"),
            "backupShortfall" => ($"名额 {key} 的候补缺额一致", $"quota {key}'s backup shortfall matches"),
            _ when m.Groups["rank"].Success => ($"名额 {key} 第 {m.Groups["rank"].Value} 位正选专家（编号、排序值）一致", $"quota {key}'s member at rank {m.Groups["rank"].Value} (id and score) matches"),
            _ => ($"名额 {key} 第 {m.Groups["brank"].Value} 位候补专家（编号、排序值）一致", $"quota {key}'s backup at rank {m.Groups["brank"].Value} (id and score) matches"),
        };
    }
}
