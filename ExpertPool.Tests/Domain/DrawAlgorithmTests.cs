using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class DrawAlgorithmTests
{
    private static readonly string[] TwelveIds = DrawTestData.ExpertIds("tests", 12);

    [Fact]
    public void ComputeCommitment_IsSha256OfTaggedNonce()
    {
        var nonce = DrawTestData.Nonce("commitment");
        var message = new CanonicalEncoder().WriteString("ExpertPool/v1/commitment").WriteBytes(nonce).ToArray();

        DrawAlgorithm.ComputeCommitment(nonce).Should().Be(Convert.ToHexStringLower(SHA256.HashData(message)));
    }

    [Fact]
    public void Run_WhenQuotasAreRankedSideBySide_GivesTheSameOutcomeAsOneAfterAnother()
    {
        // Large overlapping pools, above the size from which Run ranks the quotas in parallel.
        var ids = DrawTestData.ExpertIds("parallel ranking", 24_000).Order(StringComparer.Ordinal).ToList();
        var input = DrawTestData.TwoQuotas("parallel ranking", ids[..16_000], ids[8_000..], count: 40, backups: 10);

        var sideBySide = DrawAlgorithm.Run(input, DrawAlgorithm.Version, parallelRanking: true);
        var inTurn = DrawAlgorithm.Run(input, DrawAlgorithm.Version, parallelRanking: false);

        sideBySide.Should().BeEquivalentTo(inTurn, o => o.WithStrictOrdering());
        DrawAlgorithm.Run(input).Should().BeEquivalentTo(inTurn, o => o.WithStrictOrdering());
        sideBySide.Quotas[1].Members.Select(m => m.ExpertId).Should().NotIntersectWith(sideBySide.Quotas[0].Members.Concat(sideBySide.Quotas[0].Backups).Select(m => m.ExpertId),
            "an expert drawn by the first quota is not drawn again by the second");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(33)]
    public void ComputeCommitment_WhenNonceNot32Bytes_Throws(int length)
    {
        var act = () => DrawAlgorithm.ComputeCommitment(new byte[length]);

        act.Should().Throw<ArgumentException>().WithMessage("*exactly 32 bytes*");
    }

    [Fact]
    public void ComputePoolHash_WhenIdsReordered_IsUnchanged()
    {
        var reversed = TwelveIds.Reverse().ToArray();

        DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", TwelveIds)])
            .Should().Be(DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", reversed)]));
    }

    [Fact]
    public void ComputePoolHash_WhenOneIdRemoved_Changes()
    {
        DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", TwelveIds)])
            .Should().NotBe(DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", TwelveIds[1..])]));
    }

    [Fact]
    public void ComputePoolHash_WhenIdsMovedToAnotherQuota_Changes()
    {
        var a = DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", TwelveIds[..6]), new QuotaPool("Q2", TwelveIds[6..])]);
        var b = DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", TwelveIds[..5]), new QuotaPool("Q2", TwelveIds[5..])]);

        a.Should().NotBe(b);
    }

    [Fact]
    public void ComputePoolHash_WhenDuplicateIdInQuota_Throws()
    {
        var act = () => DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", [TwelveIds[0], TwelveIds[1], TwelveIds[0]])]);

        act.Should().Throw<ArgumentException>().WithMessage($"*'{TwelveIds[0]}' appears more than once*'Q1'*");
    }

    [Fact]
    public void Rank_WhenOneExpertRemoved_KeepsOthersInOrder()
    {
        var seed = DrawTestData.Nonce("exclusion");
        var ids = DrawTestData.ExpertIds("exclusion", 200);
        var full = ExpertRanking.Rank(seed, ids).RankedIds();

        foreach (var removed in new[] { full[0], full[3], full[100], full[^1] })
        {
            var without = ExpertRanking.Rank(seed, ids.Where(i => i != removed).ToArray()).RankedIds();
            without.Should().Equal(full.Where(i => i != removed));
        }
    }

    [Fact]
    public void Rank_WhenInputOrderShuffled_GivesSameRanking()
    {
        var seed = DrawTestData.Nonce("order");

        ExpertRanking.Rank(seed, TwelveIds).RankedIds()
            .Should().Equal(ExpertRanking.Rank(seed, TwelveIds.Reverse().ToArray()).RankedIds());
    }

    [Fact]
    public void Rank_ScoresAreHmacOfTaggedIdAndAscending()
    {
        var seed = DrawTestData.Nonce("scores");
        var ranked = ExpertRanking.Rank(seed, TwelveIds);
        var scores = ranked.Order.Select(i => ranked.ScoreHex(i)).ToList();

        scores.Should().BeInAscendingOrder(StringComparer.Ordinal);
        var first = ranked.Id(ranked.Order[0]);
        var message = new CanonicalEncoder().WriteString("ExpertPool/v1/score").WriteString(first).ToArray();
        scores[0].Should().Be(Convert.ToHexStringLower(HMACSHA256.HashData(seed, message)));
    }

    [Fact]
    public void Rank_WhenPoolIsLarge_ParallelScoringMatchesSequentialDefinition()
    {
        var seed = DrawTestData.Nonce("parallel");
        var ids = DrawTestData.ExpertIds("parallel", 20_000);
        var ranked = ExpertRanking.Rank(seed, ids);
        var prefix = CanonicalEncoder.EncodeString("ExpertPool/v1/score");

        foreach (var index in new[] { 0, 9_999, 10_000, 19_999 })
        {
            var message = prefix.Concat(CanonicalEncoder.EncodeString(ids[index])).ToArray();
            ranked.ScoreHex(index).Should().Be(Convert.ToHexStringLower(HMACSHA256.HashData(seed, message)));
        }
    }

    [Fact]
    public void Run_IsDeterministic()
    {
        var input = DrawTestData.SingleQuota("deterministic", TwelveIds, 5, 2);

        DrawAlgorithm.Run(input).Should().BeEquivalentTo(DrawAlgorithm.Run(input with { Pool = [new QuotaPool("Q1", TwelveIds.Reverse().ToArray())] }));
    }

    [Fact]
    public void Run_WhenSucceeded_TakesCountMembersThenBackupsInRankOrder()
    {
        var input = DrawTestData.SingleQuota("members", TwelveIds, 5, 2);
        var outcome = DrawAlgorithm.Run(input);
        var ranking = ExpertRanking.Rank(DrawAlgorithm.RankingKey(Convert.FromHexString(outcome.Seed), "Q1", DrawAlgorithm.Version), TwelveIds).RankedIds();

        outcome.Succeeded.Should().BeTrue();
        var quota = outcome.Quotas.Single();
        quota.Members.Select(m => m.ExpertId).Should().Equal(ranking.Take(5));
        quota.Members.Select(m => m.Rank).Should().Equal(1, 2, 3, 4, 5);
        quota.Backups.Select(b => b.ExpertId).Should().Equal(ranking.Skip(5).Take(2));
        quota.Backups.Select(b => b.Rank).Should().Equal(1, 2);
        quota.Shortfall.Should().BeNull();
        quota.BackupShortfall.Should().BeNull();
    }

    [Fact]
    public void Run_SeedCoversEveryInput()
    {
        var input = DrawTestData.SingleQuota("seed", TwelveIds, 5, 2);
        var baseline = DrawAlgorithm.Run(input).Seed;
        DrawInput[] variants =
        [
            input with { DrawId = input.DrawId + "x" },
            input with { Nonce = DrawTestData.Nonce("other") },
            input with { RuleSetVersion = 4 },
            input with { Quotas = [new DrawQuota("Q1", "0204", null, 5, 2)] },
            input with { Quotas = [new DrawQuota("Q1", "0203", "330100", 5, 2)] },
            input with { Quotas = [new DrawQuota("Q1", "0203", null, 4, 2)] },
            input with { Quotas = [new DrawQuota("Q1", "0203", null, 5, 3)] },
            input with { Pool = [new QuotaPool("Q1", TwelveIds[1..])] },
            input with { ExternalEntropy = [new EntropyInput("supervisor", "20261122-3D:582")] },
            input with { ExternalEntropy = [new EntropyInput("supervisor", "20261122-3D:581"), new EntropyInput("beacon", "1")] },
        ];

        variants.Select(v => DrawAlgorithm.Run(v).Seed).Should().OnlyHaveUniqueItems().And.NotContain(baseline);
    }

    [Fact]
    public void Draw_WhenQuotasOverlap_LaterQuotaSkipsExpertsTakenEarlier()
    {
        var shared = TwelveIds[..8];
        var input = DrawTestData.TwoQuotas("overlap", shared, [.. shared, .. DrawTestData.ExpertIds("q2-only", 4)], count: 3, backups: 2);

        var outcome = DrawAlgorithm.Run(input);

        outcome.Succeeded.Should().BeTrue();
        var q1 = outcome.Quotas[0].Members.Concat(outcome.Quotas[0].Backups).Select(e => e.ExpertId).ToList();
        var q2 = outcome.Quotas[1].Members.Concat(outcome.Quotas[1].Backups).Select(e => e.ExpertId).ToList();
        q1.Should().HaveCount(5);
        q2.Should().HaveCount(5).And.NotIntersectWith(q1);
        outcome.Quotas[1].EligibleCount.Should().Be(12);
        outcome.Quotas[1].AvailableCount.Should().Be(7);
        // Q2 ranks with a key of its own (ExpertPool-Draw-2): not the seed, and not Q1's.
        var seed = Convert.FromHexString(outcome.Seed);
        var q2Key = DrawAlgorithm.RankingKey(seed, input.Quotas[1].Key, DrawAlgorithm.Version);
        q2Key.Should().NotEqual(seed).And.NotEqual(DrawAlgorithm.RankingKey(seed, input.Quotas[0].Key, DrawAlgorithm.Version));
        var q2Ranking = ExpertRanking.Rank(q2Key, input.Pool[1].ExpertIds).RankedIds();
        q2.Should().Equal(q2Ranking.Where(id => !q1.Contains(id)).Take(5));
    }

    [Fact]
    public void Draw_WhenQuotaExceedsEligible_ReportsShortfall()
    {
        var outcome = DrawAlgorithm.Run(DrawTestData.SingleQuota("short", TwelveIds[..3], 5, 2));

        outcome.Succeeded.Should().BeFalse();
        var quota = outcome.Quotas.Single();
        quota.Shortfall.Should().Be(new Shortfall(5, 3));
        quota.Members.Should().BeEmpty();
        quota.Backups.Should().BeEmpty();
        quota.BackupShortfall.Should().BeNull();
        outcome.TotalEntropyBits.Should().Be(0);
    }

    [Fact]
    public void Draw_WhenOneQuotaShort_ListsNoSelectionForAnyQuota()
    {
        var outcome = DrawAlgorithm.Run(DrawTestData.TwoQuotas("one-short", TwelveIds, [], 3, 1));

        outcome.Succeeded.Should().BeFalse();
        outcome.Quotas[0].Shortfall.Should().BeNull();
        outcome.Quotas[0].Members.Should().BeEmpty();
        outcome.Quotas[1].Shortfall.Should().Be(new Shortfall(3, 0));
    }

    [Fact]
    public void Draw_WhenBackupsRunShort_SucceedsAndReportsBackupShortfall()
    {
        var outcome = DrawAlgorithm.Run(DrawTestData.SingleQuota("backup-short", TwelveIds[..6], 5, 3));

        outcome.Succeeded.Should().BeTrue();
        outcome.Quotas[0].Members.Should().HaveCount(5);
        outcome.Quotas[0].Backups.Should().HaveCount(1);
        outcome.Quotas[0].BackupShortfall.Should().Be(new Shortfall(3, 1));
    }

    [Fact]
    public void Draw_ReportsEntropyBitsAsLog2BinomialOfAvailableAndTaken()
    {
        var outcome = DrawAlgorithm.Run(DrawTestData.SingleQuota("entropy", TwelveIds, 5, 2));

        // C(12, 7) = 792
        outcome.Quotas[0].EntropyBits.Should().BeApproximately(Math.Log2(792), 1e-9);
        outcome.TotalEntropyBits.Should().BeApproximately(Math.Log2(792), 1e-9);
        outcome.SeedBits.Should().Be(256);
    }

    [Fact]
    public void Draw_WhenIdsContainChineseAndEmoji_Works()
    {
        string[] ids = ["专家-张三", "专家-李四", "王五🧪", "👩‍🔬赵六", "𠀀生僻字"];

        var outcome = DrawAlgorithm.Run(DrawTestData.SingleQuota("unicode", ids, 3, 2));

        outcome.Succeeded.Should().BeTrue();
        outcome.Quotas[0].Members.Concat(outcome.Quotas[0].Backups).Select(e => e.ExpertId).Should().BeEquivalentTo(ids);
    }

    public static TheoryData<string, Func<DrawInput, DrawInput>> InvalidInputs => new()
    {
        { "*draw id*", i => i with { DrawId = "" } },
        { "*rule-set version*", i => i with { RuleSetVersion = -1 } },
        { "*at least one quota*", i => i with { Quotas = [], Pool = [] } },
        { "*at least 1 expert*", i => i with { Quotas = [new DrawQuota("Q1", "0203", null, 0, 2)] } },
        { "*negative number of backups*", i => i with { Quotas = [new DrawQuota("Q1", "0203", null, 5, -1)] } },
        { "*region code*use null*", i => i with { Quotas = [new DrawQuota("Q1", "0203", "", 5, 2)] } },
        { "*'Q1' is used more than once*", i => i with { Quotas = [i.Quotas[0], i.Quotas[0]], Pool = [i.Pool[0], i.Pool[0] with { QuotaKey = "Q2" }] } },
        { "*one pool per quota*", i => i with { Pool = [i.Pool[0], new QuotaPool("Q2", [])] } },
        { "*list pools in quota order*", i => i with { Pool = [new QuotaPool("Q9", TwelveIds)] } },
        { "*appears more than once*", i => i with { Pool = [new QuotaPool("Q1", [.. TwelveIds, TwelveIds[3]])] } },
        { "*expert id 2*", i => i with { Pool = [new QuotaPool("Q1", ["a", ""])] } },
        { "*external entropy*", i => i with { ExternalEntropy = [] } },
        { "*value of external entropy input 1*", i => i with { ExternalEntropy = [new EntropyInput("supervisor", "")] } },
        { "*exactly 32 bytes*", i => i with { Nonce = Encoding.UTF8.GetBytes("short") } },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public void Run_WhenInputInvalid_ThrowsArgumentExceptionWithClearMessage(string message, Func<DrawInput, DrawInput> corrupt)
    {
        var act = () => DrawAlgorithm.Run(corrupt(DrawTestData.SingleQuota("invalid", TwelveIds, 5, 2)));

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }
}
