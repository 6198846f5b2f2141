using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
    private const int ParallelThreshold = 2048;

    private static readonly byte[] ScorePrefix = CanonicalEncoder.EncodeString(DrawTags.Score);

    /// <summary>
    /// Scores <paramref name="ids"/>; <see cref="RankedPool"/> orders them. Ids must be valid, non-empty and unique (checked by the caller).
    /// </summary>
    public static RankedPool Rank(ReadOnlySpan<byte> seed, IReadOnlyList<string> ids)
    {
        var n = ids.Count;
        var scores = new byte[n * ScoreLength];
        var keys = new ulong[n];
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

        return new RankedPool(ids, scores, keys);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreRange(byte[] key, IReadOnlyList<string> ids, int start, int end, byte[] scores, ulong[] keys)
    {
        using var hmac = new HMACSHA256(key);
        var buffer = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            var i = start;
            if (HmacSha256Lanes.IsSupported && end - start >= HmacSha256Lanes.Lanes)
                i = ScoreLanes(new HmacSha256Lanes(key), hmac, ref buffer, ids, start, end, scores, keys);
            for (; i < end; i++)
                ScoreOne(hmac, ref buffer, ids[i], i, scores, keys);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Scores whole groups of eight ids in the vector lanes. A group whose messages differ in block count (ids of different
    /// lengths) or are too long for the lanes is scored by the platform HMAC instead, with the same result. Returns the
    /// index of the first id not scored (the tail of fewer than eight).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScoreLanes(HmacSha256Lanes lanes, HMACSHA256 hmac, ref byte[] buffer, IReadOnlyList<string> ids, int start, int end, byte[] scores, ulong[] keys)
    {
        const int Lanes = HmacSha256Lanes.Lanes;
        var bodyStart = ScorePrefix.Length + 4;
        var maxMessage = HmacSha256Lanes.MaxMessageLength;
        Span<byte> macs = stackalloc byte[Lanes * ScoreLength];
        var i = start;
        for (; i + Lanes <= end; i += Lanes)
        {
            var blocks = 0;
            for (var lane = 0; lane < Lanes; lane++)
            {
                var id = ids[i + lane];
                var idBytes = CanonicalEncoder.StrictUtf8.GetByteCount(id);
                var b = bodyStart + idBytes <= maxMessage ? HmacSha256Lanes.BlocksFor(bodyStart + idBytes) : -1;
                if (b < 0 || (lane > 0 && b != blocks))
                {
                    blocks = -1;
                    break;
                }
                blocks = b;
                var target = lanes.Lane(lane);
                ScorePrefix.CopyTo(target);
                BinaryPrimitives.WriteUInt32BigEndian(target[ScorePrefix.Length..], (uint)idBytes);
                CanonicalEncoder.StrictUtf8.GetBytes(id, target[bodyStart..]);
                lanes.Finish(lane, bodyStart + idBytes);
            }

            if (blocks < 0)
            {
                for (var lane = 0; lane < Lanes; lane++)
                    ScoreOne(hmac, ref buffer, ids[i + lane], i + lane, scores, keys);
                continue;
            }

            lanes.Compute(blocks, macs);
            macs.CopyTo(scores.AsSpan(i * ScoreLength, Lanes * ScoreLength));
            for (var lane = 0; lane < Lanes; lane++)
                keys[i + lane] = BinaryPrimitives.ReadUInt64BigEndian(macs[(lane * ScoreLength)..]);
        }

        return i;
    }

    private static void ScoreOne(HMACSHA256 hmac, ref byte[] buffer, string id, int i, byte[] scores, ulong[] keys)
    {
        var bodyStart = ScorePrefix.Length + 4;
        var needed = bodyStart + CanonicalEncoder.StrictUtf8.GetMaxByteCount(id.Length);
        if (needed > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(needed);
        }

        ScorePrefix.CopyTo(buffer, 0);
        var length = CanonicalEncoder.StrictUtf8.GetBytes(id, buffer.AsSpan(bodyStart));
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(ScorePrefix.Length), (uint)length);
        var score = scores.AsSpan(i * ScoreLength, ScoreLength);
        hmac.TryComputeHash(buffer.AsSpan(0, bodyStart + length), score, out _);
        keys[i] = BinaryPrimitives.ReadUInt64BigEndian(score);
    }
}

/// <summary>
/// A scored pool. Rank order is ascending score bytes, ties broken by the id's UTF-8 bytes; with unique ids it is a strict
/// total order, so <see cref="Best"/> and <see cref="Order"/> agree on every position.
/// </summary>
internal sealed class RankedPool
{
    /// <summary>Below this share of the pool, <see cref="Best"/> selects instead of sorting everything.</summary>
    private const int SelectDivisor = 8;

    private readonly IReadOnlyList<string> _ids;
    private readonly byte[] _scores;

    /// <summary>The first 8 score bytes read big-endian per index: they order exactly like those bytes do.</summary>
    private readonly ulong[] _keys;

    private int[]? _order;

    internal RankedPool(IReadOnlyList<string> ids, byte[] scores, ulong[] keys)
    {
        _ids = ids;
        _scores = scores;
        _keys = keys;
    }

    /// <summary>Every index into the ids, best (lowest score) first. Sorts the whole pool on first use.</summary>
    public IReadOnlyList<int> Order => _order ??= SortAll();

    public string Id(int index) => _ids[index];

    public ReadOnlySpan<byte> Score(int index) => _scores.AsSpan(index * ExpertRanking.ScoreLength, ExpertRanking.ScoreLength);

    public string ScoreHex(int index) => CanonicalEncoder.Hex(Score(index));

    /// <summary>Ids in rank order (convenience for tests and diagnostics).</summary>
    public IReadOnlyList<string> RankedIds() => Order.Select(i => _ids[i]).ToArray();

    /// <summary>
    /// The first <paramref name="count"/> entries of <see cref="Order"/> (all of them when the pool is smaller). A draw walks
    /// only a few places down the ranking, so for a large pool this keeps the best few in a bounded heap in one pass
    /// instead of sorting everyone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[] Best(int count)
    {
        var n = _keys.Length;
        count = Math.Clamp(count, 0, n);
        if (_order is not null || count > n / SelectDivisor)
        {
            return Order.Take(count).ToArray();
        }

        if (count == 0)
        {
            return [];
        }

        // Max-heap on rank: the worst of the best so far is on top and is replaced by anyone who ranks before it.
        var heap = new PriorityQueue<int, int>(count, Comparer<int>.Create((a, b) => Compare(b, a)));
        for (var i = 0; i < n; i++)
        {
            if (heap.Count < count)
            {
                heap.Enqueue(i, i);
            }
            else if (Compare(i, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(i, i);
            }
        }

        var best = new int[count];
        for (var i = count - 1; i >= 0; i--)
        {
            best[i] = heap.Dequeue();
        }

        return best;
    }

    /// <summary>Rank order of two indices: score bytes, then the ids' UTF-8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Compare(int a, int b)
    {
        var byKey = _keys[a].CompareTo(_keys[b]);
        if (byKey != 0)
        {
            return byKey;
        }

        var byScore = Score(a).SequenceCompareTo(Score(b));
        return byScore != 0
            ? byScore
            : CanonicalEncoder.CompareOrdinalUtf8(CanonicalEncoder.StrictUtf8.GetBytes(_ids[a]), CanonicalEncoder.StrictUtf8.GetBytes(_ids[b]));
    }

    private int[] SortAll()
    {
        var n = _keys.Length;
        var keys = (ulong[])_keys.Clone();
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Primary sort on the 8-byte keys; runs of equal keys (rare) are then sorted by the full rank order.
        Array.Sort(keys, order);
        var start = 0;
        while (start < n)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start, Comparer<int>.Create(Compare));
            }

            start = end;
        }

        return order;
    }
}
