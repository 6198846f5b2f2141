using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Generator for docs/draw-test-vectors.json (the current algorithm version) and docs/draw-test-vectors-v1.json (the
/// same inputs under ExpertPool-Draw-1, for records drawn with it). <see cref="DrawTestVectorTests"/> checks that each
/// committed file equals <see cref="Render"/>; set EXPERTPOOL_WRITE_VECTORS=1 when running the tests to rewrite them
/// after a deliberate change.
/// </summary>
internal static class DrawTestVectors
{
    /// <summary>The file of one algorithm version.</summary>
    public static string RelativePath(string version) =>
        version == DrawAlgorithm.Version ? "docs/draw-test-vectors.json" : $"docs/draw-test-vectors-v{version[(version.LastIndexOf('-') + 1)..]}.json";

    public sealed record DrawVector(string Name, string Description, DrawInput Input);

    /// <param name="QuotaKey">Since ExpertPool-Draw-2 the ranking key is derived from the seed and the quota's key; null before.</param>
    public sealed record RankingVector(string Name, string Description, byte[] Seed, string? QuotaKey, IReadOnlyList<string> ExpertIds);

    /// <summary>The HMAC key a ranking vector's scores are computed with.</summary>
    public static byte[] RankingKey(byte[] seed, string? quotaKey, string version) =>
        quotaKey is null ? seed : DrawAlgorithm.RankingKey(seed, quotaKey, version);

    public static IReadOnlyList<DrawVector> DrawVectors()
    {
        var small = DrawTestData.ExpertIds("small", 12);
        var shared = DrawTestData.ExpertIds("overlap-shared", 6);
        var cjk = new[]
        {
            "专家-张三", "专家-李四", "王五🧪", "👩‍🔬赵六", "𠀀生僻字-钱七", "ｅｘｐｅｒｔ～孙八",
            "expert-ascii-01", "O'Brien \"Q\" 周九", "\uFF5E-fullwidth-tilde", "😀-grinning", "é-precomposed", "e\u0301-decomposed",
        };
        var overlapQ1 = DrawTestData.ExpertIds("overlap-q1", 4).Concat(shared).ToArray();
        var overlapQ2 = shared.Concat(DrawTestData.ExpertIds("overlap-q2", 4)).ToArray();
        var failQ1 = DrawTestData.ExpertIds("fail-overlap", 6);

        return
        [
            new("minimal", "One quota, five ids, one member, no backups.",
                DrawTestData.SingleQuota("minimal", DrawTestData.ExpertIds("minimal", 5), 1, 0)),
            new("small-pool", "One quota of twelve ids: five members and two ranked backups. Ids are listed unsorted; the pool hash sorts them.",
                DrawTestData.SingleQuota("small-pool", small, 5, 2)),
            new("large-pool", "2,000 eligible ids, seven members and three backups.",
                DrawTestData.SingleQuota("large-pool", DrawTestData.ExpertIds("large", 2000), 7, 3)),
            new("overlapping-quotas", "Q1 and Q2 share six ids. Q1 is filled first; Q2 skips whatever Q1 took as member or backup.",
                DrawTestData.TwoQuotas("overlapping-quotas", overlapQ1, overlapQ2)),
            new("cjk-and-emoji-ids", "Ids with Chinese, supplementary-plane characters, emoji, a ZWJ sequence, quotes, and NFC/NFD variants that must stay distinct. Sorting is by UTF-8 bytes, not UTF-16 code units.",
                DrawTestData.SingleQuota("cjk-and-emoji-ids", cjk, 3, 2) with
                {
                    Quotas = [new DrawQuota("Q1", "工程-0203", null, 3, 2)],
                    ExternalEntropy = [new EntropyInput("监督人", "王某输入：581")],
                }),
            new("region-qualified-quota", "Q1 is bound to region 330100, Q2 has no region (encoded as the empty string in the seed, null in JSON).",
                new DrawInput(
                    DrawTestData.DrawId("region"), DrawTestData.Nonce("region"), 7,
                    [new DrawQuota("Q1", "0203", "330100", 2, 1), new DrawQuota("Q2", "0203", null, 2, 1)],
                    [new QuotaPool("Q1", DrawTestData.ExpertIds("region-hz", 6)), new QuotaPool("Q2", DrawTestData.ExpertIds("region-any", 8))],
                    [new EntropyInput("supervisor", "7741")])),
            new("multiple-entropy-sources", "Four entropy inputs in a fixed order and a rule-set version above 2^32.",
                DrawTestData.SingleQuota("multiple-entropy", small, 5, 2) with
                {
                    RuleSetVersion = 1_099_511_627_783,
                    ExternalEntropy =
                    [
                        new EntropyInput("supervisor", "20261122-3D:581"),
                        new EntropyInput("lottery:fc3d", "2026322:5 8 1"),
                        new EntropyInput("beacon:drand-quicknet", "round 12345678 " + DrawTestData.Hex("beacon")),
                        new EntropyInput("fallback:csprng", DrawTestData.Hex("csprng")),
                    ],
                }),
            new("failing-shortfall", "Q1 asks for five but only three are eligible: the draw fails and no member or backup is listed.",
                DrawTestData.SingleQuota("failing-shortfall", DrawTestData.ExpertIds("short", 3), 5, 2)),
            new("failing-through-overlap", "Q2's four ids are all in Q1's pool; Q1 takes five of six, so Q2 cannot reach three. The whole draw fails.",
                DrawTestData.TwoQuotas("failing-through-overlap", failQ1, failQ1[2..])),
            new("backup-shortfall", "Six eligible, five members, three backups requested: one backup is available. The draw still succeeds.",
                DrawTestData.SingleQuota("backup-shortfall", DrawTestData.ExpertIds("backup-short", 6), 5, 3)),
            new("zero-backups", "Three quotas without backups (5, 3 and 1 members) from separate pools.",
                new DrawInput(
                    DrawTestData.DrawId("zero-backups"), DrawTestData.Nonce("zero-backups"), 3,
                    [new DrawQuota("Q1", "0203", null, 5, 0), new DrawQuota("Q2", "0511", "330100", 3, 0), new DrawQuota("Q3", "0702", null, 1, 0)],
                    [
                        new QuotaPool("Q1", DrawTestData.ExpertIds("zb-1", 9)),
                        new QuotaPool("Q2", DrawTestData.ExpertIds("zb-2", 5)),
                        new QuotaPool("Q3", DrawTestData.ExpertIds("zb-3", 2)),
                    ],
                    [new EntropyInput("supervisor", "0042")])),
            new("empty-pool", "Q2 has no eligible experts at all; Q1 alone would have succeeded. The draw fails.",
                DrawTestData.TwoQuotas("empty-pool", DrawTestData.ExpertIds("empty-q1", 8), [], 3, 1)),
            new("exact-fit", "Pool size equals count: every eligible expert is drawn, ranked; zero entropy bits.",
                DrawTestData.SingleQuota("exact-fit", DrawTestData.ExpertIds("exact", 5), 5, 0)),
        ];
    }

    /// <summary>
    /// Inputs section 4 of the spec rejects. Every implementation must refuse them (C#: <see cref="ArgumentException"/>;
    /// a verifier: divergence <c>input</c>) rather than draw from them.
    /// </summary>
    public static IReadOnlyList<DrawVector> InvalidVectors()
    {
        var ids = DrawTestData.ExpertIds("invalid", 3);
        var one = DrawTestData.SingleQuota("invalid", ids, 1, 0);
        var two = DrawTestData.TwoQuotas("invalid", ids, DrawTestData.ExpertIds("invalid-q2", 3), 1, 0);
        return
        [
            new("invalid-empty-draw-id", "The draw id is the empty string.", one with { DrawId = "" }),
            new("invalid-short-nonce", "The nonce is 31 bytes, not 32.", one with { Nonce = DrawTestData.Nonce("invalid").AsMemory(0, 31) }),
            new("invalid-negative-rule-set-version", "The rule-set version is -1.", one with { RuleSetVersion = -1 }),
            new("invalid-no-quota", "No quota and no pool.", one with { Quotas = [], Pool = [] }),
            new("invalid-duplicate-quota-key", "Two quotas share the key Q1.",
                two with { Quotas = [two.Quotas[0], two.Quotas[1] with { Key = "Q1" }], Pool = [two.Pool[0], two.Pool[1] with { QuotaKey = "Q1" }] }),
            new("invalid-empty-region-code", "A region code that is the empty string (null means no region).",
                one with { Quotas = [one.Quotas[0] with { RegionCode = "" }] }),
            new("invalid-zero-count", "A quota that asks for no member.", one with { Quotas = [one.Quotas[0] with { Count = 0 }] }),
            new("invalid-negative-backups", "A quota that asks for -1 backups.", one with { Quotas = [one.Quotas[0] with { Backups = -1 }] }),
            new("invalid-pool-out-of-quota-order", "The pool lists Q2 before Q1.", two with { Pool = [two.Pool[1], two.Pool[0]] }),
            new("invalid-pool-missing-entry", "Two quotas, one pool entry.", two with { Pool = [two.Pool[0]] }),
            new("invalid-duplicate-id", "The same id twice in one quota's pool.", one with { Pool = [new QuotaPool("Q1", [.. ids, ids[0]])] }),
            new("invalid-empty-id", "An empty id in a pool.", one with { Pool = [new QuotaPool("Q1", [.. ids, ""])] }),
            new("invalid-no-entropy", "No external entropy.", one with { ExternalEntropy = [] }),
            new("invalid-empty-entropy-source", "An entropy value whose source is empty.", one with { ExternalEntropy = [new EntropyInput("", "581")] }),
            new("invalid-empty-entropy-value", "An entropy input whose value is empty.", one with { ExternalEntropy = [new EntropyInput("supervisor", "")] }),
            new("invalid-empty-quota-key", "A quota (and its pool entry) whose key is the empty string.",
                one with { Quotas = [one.Quotas[0] with { Key = "" }], Pool = [one.Pool[0] with { QuotaKey = "" }] }),
            new("invalid-empty-specialty-code", "A quota whose specialty code is the empty string.",
                one with { Quotas = [one.Quotas[0] with { SpecialtyCode = "" }] }),
            new("invalid-unpaired-surrogate", "An expert id holding an unpaired surrogate (the JSON escape \\ud800), which is not valid Unicode.",
                one with { Pool = [new QuotaPool("Q1", [.. ids, "专家\ud800"])] }),
        ];
    }

    public static IReadOnlyList<RankingVector> RankingVectors(string version)
    {
        var seed = DrawTestData.Nonce("ranking-seed");
        var ids = DrawTestData.ExpertIds("ranking", 12);
        var quotaKey = version == DrawAlgorithm.Version1 ? null : "Q1";
        var full = ExpertRanking.Rank(RankingKey(seed, quotaKey, version), ids).RankedIds();
        var removed = full[2];
        var given = quotaKey is null ? "the seed is given directly" : "the seed and the quota key are given directly";
        return
        [
            new("ranking-full-pool", $"Ranking of twelve ids under a fixed seed ({given}).", seed, quotaKey, ids),
            new("ranking-one-excluded", $"Same seed, same ids minus '{removed}' (rank 3 above). Every other id keeps its relative order and score.",
                seed, quotaKey, [.. ids.Where(i => i != removed)]),
        ];
    }

    public static string Render(string version)
    {
        var writer = new CanonicalJsonWriter(indented: true);
        writer.StartObject()
            .Property("algorithmVersion", version)
            .Property("about", $"Generated by the C# reference implementation (ExpertPool.Tests/Domain/DrawTestVectors.cs). Spec: docs/draw-algorithm.md. Check with: python3 tools/verify_draw.py {RelativePath(version)}")
            .Name("vectors").StartArray();
        foreach (var vector in DrawVectors())
        {
            writer.StartObject()
                .Property("kind", "draw")
                .Property("name", vector.Name)
                .Property("description", vector.Description)
                .Name("input");
            WriteDrawInput(writer, vector.Input);
            writer.Name("expected");
            WriteDrawExpected(writer, DrawAlgorithm.Run(vector.Input, version));
            writer.EndObject();
        }

        foreach (var vector in InvalidVectors())
        {
            writer.StartObject()
                .Property("kind", "invalid")
                .Property("name", vector.Name)
                .Property("description", vector.Description)
                .Name("input");
            WriteDrawInput(writer, vector.Input);
            writer.Name("expected").StartObject().Property("rejectedAs", RejectedAs(vector.Input)).EndObject();
            writer.EndObject();
        }

        foreach (var vector in RankingVectors(version))
        {
            writer.StartObject()
                .Property("kind", "ranking")
                .Property("name", vector.Name)
                .Property("description", vector.Description)
                .Name("input").StartObject()
                .Property("seed", Convert.ToHexStringLower(vector.Seed));
            if (vector.QuotaKey is not null)
            {
                writer.Property("quotaKey", vector.QuotaKey);
            }

            writer.Name("expertIds").StartArray();
            foreach (var id in vector.ExpertIds)
            {
                writer.String(id);
            }

            writer.EndArray().EndObject().Name("expected");
            WriteRankingExpected(writer, RankingKey(vector.Seed, vector.QuotaKey, version), vector.ExpertIds);
            writer.EndObject();
        }

        writer.EndArray().EndObject();
        return EscapeUnpairedSurrogates(writer.ToString()) + "\n";
    }

    /// <summary>
    /// The canonical writer writes strings as raw UTF-8, which cannot hold an unpaired surrogate (valid records never
    /// have one); the invalid vector that carries one needs it as a JSON escape (<c>\ud800</c>).
    /// </summary>
    private static string EscapeUnpairedSurrogates(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                result.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// The divergence an invalid vector must give (spec section 10: a nonce that is not 64 hexadecimal characters is
    /// <c>nonce</c>, before the inputs are checked; anything else <c>input</c>); throws if the C# code accepts the input.
    /// </summary>
    public static string RejectedAs(DrawInput input)
    {
        try
        {
            DrawAlgorithm.Run(input);
        }
        catch (ArgumentException)
        {
            return input.Nonce.Length == 32 ? "input" : "nonce";
        }

        throw new InvalidOperationException($"Draw {input.DrawId} is meant to be invalid, but the draw accepted it.");
    }

    public static void WriteDrawInput(CanonicalJsonWriter writer, DrawInput input)
    {
        writer.StartObject()
            .Property("drawId", input.DrawId)
            .Property("nonce", Convert.ToHexStringLower(input.Nonce.Span))
            .Property("ruleSetVersion", input.RuleSetVersion);
        DrawRecordJson.WriteInputLists(writer, input.Quotas, input.Pool, input.ExternalEntropy);
        writer.EndObject();
    }

    public static void WriteDrawExpected(CanonicalJsonWriter writer, DrawOutcome outcome)
    {
        writer.StartObject()
            .Property("commitment", outcome.Commitment)
            .Property("poolHash", outcome.PoolHash)
            .Property("seed", outcome.Seed)
            .Property("succeeded", outcome.Succeeded)
            .Name("selection").StartArray();
        foreach (var quota in outcome.Quotas)
        {
            DrawRecordJson.WriteSelection(writer, QuotaSelection.From(quota), Math.Round(quota.EntropyBits, 6));
        }

        writer.EndArray()
            .Name("totalEntropyBits").Number(Math.Round(outcome.TotalEntropyBits, 6))
            .Property("seedBits", outcome.SeedBits)
            .EndObject();
    }

    /// <param name="rankingKey">The HMAC key (<see cref="RankingKey"/>).</param>
    public static void WriteRankingExpected(CanonicalJsonWriter writer, byte[] rankingKey, IReadOnlyList<string> ids)
    {
        var ranked = ExpertRanking.Rank(rankingKey, ids);
        writer.StartObject().Name("ranking").StartArray();
        var rank = 1;
        foreach (var index in ranked.Order)
        {
            writer.StartObject()
                .Property("rank", rank++)
                .Property("expertId", ranked.Id(index))
                .Property("score", ranked.ScoreHex(index))
                .EndObject();
        }

        writer.EndArray().EndObject();
    }
}
