using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// HMAC-SHA256 (RFC 2104 / FIPS 198-1) under one key for many short messages, eight at a time: the eight messages'
/// SHA-256 compressions run side by side in the lanes of 256-bit vectors, and the key's two padded blocks are compressed
/// once (the inner and outer midstates) instead of once per message. The output is exactly HMAC-SHA256; tests compare it
/// with <see cref="HMACSHA256"/> for many keys and lengths.
/// <para>
/// Why: a draw scores tens of thousands of ids. Through the platform's HMAC each 63-byte message costs ~2 µs, nearly all
/// of it call overhead around three block compressions; here the same three compressions cost ~0.2 µs per message.
/// Used only where 256-bit vectors are hardware-accelerated; callers keep the platform HMAC otherwise.
/// </para>
/// </summary>
internal sealed class HmacSha256Lanes
{
    public const int Lanes = 8;

    /// <summary>Messages longer than this many inner blocks (after padding) are left to the platform HMAC.</summary>
    public const int MaxBlocks = 4;

    private const int BlockSize = 64;

    /// <summary>The longest message the lanes take (it still fits <see cref="MaxBlocks"/> blocks with its padding).</summary>
    public const int MaxMessageLength = MaxBlocks * BlockSize - 9;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private static ReadOnlySpan<uint> InitialState => [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    private readonly uint[] _inner = new uint[8];
    private readonly uint[] _outer = new uint[8];

    /// <summary>Eight padded messages, each <see cref="MaxBlocks"/> blocks long (only the first blocks of a batch are used).</summary>
    private readonly byte[] _padded = new byte[Lanes * MaxBlocks * BlockSize];

    public HmacSha256Lanes(ReadOnlySpan<byte> key)
    {
        Span<byte> k = stackalloc byte[BlockSize];
        k.Clear();
        if (key.Length > BlockSize)
            SHA256.HashData(key, k);
        else
            key.CopyTo(k);
        Midstate(k, 0x36, _inner);
        Midstate(k, 0x5c, _outer);
    }

    /// <summary>The SHA-256 state after the key block XOR <paramref name="pad"/> (the same block in every lane; lane 0 kept).</summary>
    private static void Midstate(ReadOnlySpan<byte> key, byte pad, uint[] midstate)
    {
        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        Span<Vector256<uint>> words = stackalloc Vector256<uint>[16];
        for (var j = 0; j < 8; j++)
            state[j] = Vector256.Create(InitialState[j]);
        Span<byte> word = stackalloc byte[4];
        for (var j = 0; j < 16; j++)
        {
            for (var b = 0; b < 4; b++)
                word[b] = (byte)(key[j * 4 + b] ^ pad);
            words[j] = Vector256.Create(BinaryPrimitives.ReadUInt32BigEndian(word));
        }
        Compress(state, words);
        for (var j = 0; j < 8; j++)
            midstate[j] = state[j].GetElement(0);
    }

    /// <summary>Inner blocks a message of <paramref name="length"/> bytes needs after the key block (with padding).</summary>
    public static int BlocksFor(int length) => (length + 9 + BlockSize - 1) / BlockSize;

    /// <summary>
    /// The eight padded message buffers: write message <paramref name="lane"/> from offset 0 of the span, then call
    /// <see cref="Finish"/> with its length. Every lane of one batch must have the same <see cref="BlocksFor"/>.
    /// </summary>
    public Span<byte> Lane(int lane) => _padded.AsSpan(lane * MaxBlocks * BlockSize, MaxBlocks * BlockSize);

    /// <summary>Pads message <paramref name="lane"/> of <paramref name="length"/> bytes (already written by the caller).</summary>
    public void Finish(int lane, int length)
    {
        var blocks = BlocksFor(length);
        if (blocks > MaxBlocks)
            throw new ArgumentOutOfRangeException(nameof(length), length, "Message too long for the lanes.");
        var buffer = Lane(lane)[..(blocks * BlockSize)];
        buffer[length] = 0x80;
        buffer[(length + 1)..^8].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(buffer[^8..], (ulong)(BlockSize + length) * 8);
    }

    /// <summary>
    /// HMACs of the eight prepared lanes, each <paramref name="blocks"/> inner blocks long, into <paramref name="macs"/>
    /// (8 × 32 bytes, lane order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Compute(int blocks, Span<byte> macs)
    {
        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        Span<Vector256<uint>> words = stackalloc Vector256<uint>[16];
        for (var j = 0; j < 8; j++)
            state[j] = Vector256.Create(_inner[j]);

        var laneStride = MaxBlocks * BlockSize;
        var p = _padded.AsSpan();
        for (var b = 0; b < blocks; b++)
        {
            var offset = b * BlockSize;
            for (var j = 0; j < 16; j++)
            {
                var at = offset + j * 4;
                words[j] = Vector256.Create(
                    BinaryPrimitives.ReadUInt32BigEndian(p[at..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + laneStride)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + 2 * laneStride)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + 3 * laneStride)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + 4 * laneStride)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + 5 * laneStride)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + 6 * laneStride)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(p[(at + 7 * laneStride)..]));
            }
            Compress(state, words);
        }

        // Outer hash: one block of the inner digest (already one word per vector), the padding and 768 bits of length.
        for (var j = 0; j < 8; j++)
            words[j] = state[j];
        words[8] = Vector256.Create(0x80000000u);
        for (var j = 9; j < 15; j++)
            words[j] = Vector256<uint>.Zero;
        words[15] = Vector256.Create((uint)(BlockSize + 32) * 8);
        for (var j = 0; j < 8; j++)
            state[j] = Vector256.Create(_outer[j]);
        Compress(state, words);

        for (var lane = 0; lane < Lanes; lane++)
        {
            for (var j = 0; j < 8; j++)
                BinaryPrimitives.WriteUInt32BigEndian(macs[(lane * 32 + j * 4)..], state[j].GetElement(lane));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotr(Vector256<uint> x, int n) => (x >>> n) | (x << (32 - n));

    /// <summary>One SHA-256 compression in each of the eight lanes (FIPS 180-4, 6.2.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(Span<Vector256<uint>> state, ReadOnlySpan<Vector256<uint>> block)
    {
        Span<Vector256<uint>> w = stackalloc Vector256<uint>[64];
        block.CopyTo(w);
        for (var i = 16; i < 64; i++)
        {
            var x = w[i - 15];
            var y = w[i - 2];
            var s0 = Rotr(x, 7) ^ Rotr(x, 18) ^ (x >>> 3);
            var s1 = Rotr(y, 17) ^ Rotr(y, 19) ^ (y >>> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        Vector256<uint> a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        var k = K;
        for (var i = 0; i < 64; i++)
        {
            var t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ Vector256.AndNot(g, e)) + Vector256.Create(k[i]) + w[i];
            var t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
