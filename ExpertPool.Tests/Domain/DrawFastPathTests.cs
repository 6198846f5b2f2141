using System.Security.Cryptography;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// The shortcuts taken for large pools (sorted-ASCII pools, partial ranking) must give exactly what the general path and the
/// spec's definitions give.
/// </summary>
public sealed class DrawFastPathTests
{
    private static readonly string[] SortedIds = [.. DrawTestData.ExpertIds("fast-path", 3_000).Order(StringComparer.Ordinal)];

    /// <summary>A fixed permutation (by a hash of each id and <paramref name="label"/>), different from the sorted order.</summary>
    private static string[] Shuffled(string[] ids, int label) =>
        [.. ids.OrderBy(id => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{label}/{id}"))), StringComparer.Ordinal)];

    /// <summary>PoolHash straight from the spec: tag, then per quota its key and its ids sorted by UTF-8 bytes.</summary>
    private static string SpecPoolHash(params QuotaPool[] pools)
    {
        var encoder = new CanonicalEncoder().WriteString("ExpertPool/v1/pool").WriteCount(pools.Length);
        foreach (var pool in pools)
        {
            encoder.WriteString(pool.QuotaKey).WriteCount(pool.ExpertIds.Count);
            foreach (var id in pool.ExpertIds.Select(System.Text.Encoding.UTF8.GetBytes).Order(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))))
            {
                encoder.WriteBytes(id);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(encoder.WrittenSpan));
    }

    [Fact]
    public void IsSortedAscii_AcceptsOnlyNonEmptyAsciiInStrictlyIncreasingOrdinalOrder()
    {
        DrawAlgorithm.IsSortedAscii(SortedIds).Should().BeTrue();
        DrawAlgorithm.IsSortedAscii([]).Should().BeTrue();
        DrawAlgorithm.IsSortedAscii(["a", "ab", "b"]).Should().BeTrue();
        DrawAlgorithm.IsSortedAscii(["a", "a"]).Should().BeFalse("a duplicate is not strictly increasing");
        DrawAlgorithm.IsSortedAscii(["b", "a"]).Should().BeFalse();
        DrawAlgorithm.IsSortedAscii(["", "a"]).Should().BeFalse("empty ids are invalid");
        DrawAlgorithm.IsSortedAscii(["a", null!]).Should().BeFalse();
        DrawAlgorithm.IsSortedAscii(["a", "é"]).Should().BeFalse("non-ASCII ids take the general path");
        DrawAlgorithm.IsSortedAscii(["A", "a"]).Should().BeTrue();
    }

    [Fact]
    public void PoolHash_WhenPoolIsSortedAscii_EqualsShuffledPoolAndTheSpecDefinition()
    {
        var shuffled = Shuffled(SortedIds, 1);
        shuffled.Should().NotEqual(SortedIds);
        string[] mixed = ["专家-张三", "👩‍🔬赵六", .. SortedIds[..50]];

        var fast = DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", SortedIds), new QuotaPool("Q2", SortedIds[..100])]);

        fast.Should().Be(DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", shuffled), new QuotaPool("Q2", Shuffled(SortedIds[..100], 2))]));
        fast.Should().Be(SpecPoolHash(new QuotaPool("Q1", SortedIds), new QuotaPool("Q2", SortedIds[..100])));
        DrawAlgorithm.ComputePoolHash([new QuotaPool("Q1", SortedIds), new QuotaPool("Q2", mixed)])
            .Should().Be(SpecPoolHash(new QuotaPool("Q1", SortedIds), new QuotaPool("Q2", mixed)));
    }

    [Fact]
    public void Record_WhenPoolsAreSortedAscii_IsTheSameTextAsForShuffledPools()
    {
        var q2 = DrawTestData.ExpertIds("fast-path-q2", 500).Concat(SortedIds[..200]).Order(StringComparer.Ordinal).ToArray();
        var sorted = DrawTestData.TwoQuotas("fast-record", SortedIds, q2, count: 5, backups: 3);
        var shuffled = sorted with { Pool = [new QuotaPool("Q1", Shuffled(SortedIds, 3)), new QuotaPool("Q2", Shuffled(q2, 4))] };

        var fast = DrawRecordJson.Serialize(DrawRecordDocument.Create(sorted, DrawAlgorithm.Run(sorted)));
        var general = DrawRecordJson.Serialize(DrawRecordDocument.Create(shuffled, DrawAlgorithm.Run(shuffled)));

        fast.Should().Be(general);
        DrawRecordDocument.Create(sorted, DrawAlgorithm.Run(sorted)).Pool[1].ExpertIds.Should().Equal(q2);
    }

    /// <param name="ids">'|'-separated; '~' stands for a lone surrogate, which test data cannot carry through xUnit's serialisation.</param>
    [Theory]
    [InlineData("a|a", "*'a' appears more than once*")]
    [InlineData("|a", "*expert id 1*")]
    [InlineData("a|b~", "*expert id 2*lone surrogate at index 1*")]
    public void Run_WhenPoolLooksSortedButIsInvalid_StillRejectsIt(string ids, string message)
    {
        var pool = ids.Replace("~", "\ud800", StringComparison.Ordinal).Split('|');

        var act = () => DrawAlgorithm.Run(DrawTestData.SingleQuota("looks-sorted", pool, 1, 0));

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Best_IsTheFirstEntriesOfTheFullOrder()
    {
        var seed = DrawTestData.Nonce("best");

        foreach (var count in new[] { 0, 1, 7, 100, 374, 375, 376, 2_999, 3_000, 3_001 })
        {
            ExpertRanking.Rank(seed, SortedIds).Best(count).Should().Equal(ExpertRanking.Rank(seed, SortedIds).Order.Take(count), $"count {count}");
        }
    }

    [Fact]
    public void Best_WhenScoresTieOnTheirPrefixOrEntirely_BreaksTiesLikeTheFullSort()
    {
        // Scores cannot be made to collide through HMAC, so build them: groups share the first 8 bytes, some share all 32.
        var ids = Enumerable.Range(0, 400).Select(i => $"id-{(i * 7919) % 400:D3}").ToArray();
        var scores = new byte[ids.Length * ExpertRanking.ScoreLength];
        var keys = new ulong[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var score = scores.AsSpan(i * ExpertRanking.ScoreLength, ExpertRanking.ScoreLength);
            score[7] = (byte)(i % 5);
            score[31] = (byte)(i % 3 == 0 ? 0 : i % 11);
            keys[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(score);
        }

        var expected = Enumerable.Range(0, ids.Length)
            .OrderBy(i => Convert.ToHexStringLower(scores.AsSpan(i * ExpertRanking.ScoreLength, ExpertRanking.ScoreLength)), StringComparer.Ordinal)
            .ThenBy(i => ids[i], StringComparer.Ordinal)
            .ToArray();

        new RankedPool(ids, scores, keys).Order.Should().Equal(expected);
        foreach (var count in new[] { 1, 3, 20, 49, 50 })
        {
            new RankedPool(ids, scores, keys).Best(count).Should().Equal(expected.Take(count), $"count {count}");
        }
    }

    [Fact]
    public void Run_WhenLargeQuotasOverlap_TakesWhatWalkingTheFullRankingTakes()
    {
        // Q1 mixes Chinese and ASCII ids (general path), so later sorted-ASCII pools look non-ASCII taken ids up too.
        string[] q1 = [.. Enumerable.Range(0, 30).Select(i => $"专家-{i:D2}"), .. SortedIds[..20]];
        var q2 = SortedIds[..2_400];
        var q3 = SortedIds[1_000..];
        var input = new DrawInput(
            DrawTestData.DrawId("walk"),
            DrawTestData.Nonce("walk"),
            3,
            [new DrawQuota("Q1", "01", null, 6, 3), new DrawQuota("Q2", "02", null, 9, 4), new DrawQuota("Q3", "03", null, 5, 40)],
            [new QuotaPool("Q1", q1), new QuotaPool("Q2", q2), new QuotaPool("Q3", q3)],
            [new EntropyInput("supervisor", "walk")]);

        var outcome = DrawAlgorithm.Run(input);

        var seed = Convert.FromHexString(outcome.Seed);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var q = 0; q < input.Quotas.Count; q++)
        {
            var quota = input.Quotas[q];
            var walk = ExpertRanking.Rank(DrawAlgorithm.RankingKey(seed, quota.Key, DrawAlgorithm.Version), input.Pool[q].ExpertIds).RankedIds().Where(id => !taken.Contains(id)).Take(quota.Count + quota.Backups).ToList();
            outcome.Quotas[q].Members.Select(m => m.ExpertId).Should().Equal(walk.Take(quota.Count));
            outcome.Quotas[q].Backups.Select(m => m.ExpertId).Should().Equal(walk.Skip(quota.Count));
            outcome.Quotas[q].AvailableCount.Should().Be(input.Pool[q].ExpertIds.Count(id => !taken.Contains(id)));
            taken.UnionWith(walk);
        }

        var asciiInQ1 = SortedIds.Take(20).ToHashSet(StringComparer.Ordinal);
        taken.Should().Contain(id => id.StartsWith("专家", StringComparison.Ordinal)).And.Contain(id => asciiInQ1.Contains(id));
    }
}
