using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// Exclusion-stable ranking: score(id) = HMAC-SHA256(key = seed, message = enc("ExpertPool/v1/score") || enc(id)),
/// ranked ascending by score bytes (unsigned, lexicographic), ties broken by the id's UTF-8 bytes.
/// An expert's score depends only on the seed and its own id, so removing anyone else never reorders the rest.
/// </summary>
internal static class ExpertRanking
{
    public const int ScoreLength = 32;

    /// <summary>Pools at least this large are scored on several threads; the result is identical either way.</summary>
    private const int ParallelThreshold = 8192;

    private static readonly byte[] ScorePrefix = CanonicalEncoder.EncodeString(DrawTags.Score);

    /// <summary>Scores and sorts <paramref name="ids"/>. Ids must be valid, non-empty and unique (checked by the caller).</summary>
    public static RankedPool Rank(ReadOnlySpan<byte> seed, IReadOnlyList<string> ids)
    {
        var n = ids.Count;
        var scores = new byte[n * ScoreLength];
        var keys = new ulong[n];
        var order = new int[n];
        var key = seed.ToArray();

        var workers = n >= ParallelThreshold ? Math.Min(Environment.ProcessorCount, 8) : 1;
        if (workers <= 1)
        {
            ScoreRange(key, ids, 0, n, scores, keys);
        }
        else
        {
            var chunk = (n + workers - 1) / workers;
            Parallel.For(0, workers, w =>
            {
                var start = w * chunk;
                ScoreRange(key, ids, start, Math.Min(n, start + chunk), scores, keys);
            });
        }

        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Primary sort on the first 8 score bytes read big-endian, which orders exactly like the bytes do.
        Array.Sort(keys, order);
        ResolvePrefixTies(keys, order, scores, ids);
        return new RankedPool(ids, scores, order);
    }

    private static void ScoreRange(byte[] key, IReadOnlyList<string> ids, int start, int end, byte[] scores, ulong[] keys)
    {
        using var hmac = new HMACSHA256(key);
        var buffer = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            ScorePrefix.CopyTo(buffer, 0);
            var bodyStart = ScorePrefix.Length + 4;
            for (var i = start; i < end; i++)
            {
                var id = ids[i];
                var needed = bodyStart + CanonicalEncoder.StrictUtf8.GetMaxByteCount(id.Length);
                if (needed > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                    ScorePrefix.CopyTo(buffer, 0);
                }

                var length = CanonicalEncoder.StrictUtf8.GetBytes(id, buffer.AsSpan(bodyStart));
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(ScorePrefix.Length), (uint)length);
                var score = scores.AsSpan(i * ScoreLength, ScoreLength);
                hmac.TryComputeHash(buffer.AsSpan(0, bodyStart + length), score, out _);
                keys[i] = BinaryPrimitives.ReadUInt64BigEndian(score);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ResolvePrefixTies(ulong[] keys, int[] order, byte[] scores, IReadOnlyList<string> ids)
    {
        var i = 0;
        while (i < keys.Length)
        {
            var j = i + 1;
            while (j < keys.Length && keys[j] == keys[i])
            {
                j++;
            }

            if (j - i > 1)
            {
                Array.Sort(order, i, j - i, Comparer<int>.Create((a, b) =>
                {
                    var byScore = scores.AsSpan(a * ScoreLength, ScoreLength).SequenceCompareTo(scores.AsSpan(b * ScoreLength, ScoreLength));
                    return byScore != 0
                        ? byScore
                        : CanonicalEncoder.CompareOrdinalUtf8(CanonicalEncoder.StrictUtf8.GetBytes(ids[a]), CanonicalEncoder.StrictUtf8.GetBytes(ids[b]));
                }));
            }

            i = j;
        }
    }
}

/// <summary>A scored pool: <see cref="Order"/> lists indices into the ids, best (lowest score) first.</summary>
internal sealed class RankedPool(IReadOnlyList<string> ids, byte[] scores, int[] order)
{
    public IReadOnlyList<int> Order => order;

    public string Id(int index) => ids[index];

    public ReadOnlySpan<byte> Score(int index) => scores.AsSpan(index * ExpertRanking.ScoreLength, ExpertRanking.ScoreLength);

    public string ScoreHex(int index) => CanonicalEncoder.Hex(Score(index));

    /// <summary>Ids in rank order (convenience for tests and diagnostics).</summary>
    public IReadOnlyList<string> RankedIds() => order.Select(i => ids[i]).ToArray();
}
