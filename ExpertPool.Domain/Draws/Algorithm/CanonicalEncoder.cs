using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// The one byte encoding hashed by the draw algorithm (spec: docs/draw-algorithm.md, "Canonical encoding").
/// <list type="bullet">
/// <item>string: u32 big-endian byte length, then the UTF-8 bytes exactly as given (no normalisation).</item>
/// <item>integer: i64 big-endian, two's complement.</item>
/// <item>byte string: u32 big-endian length, then the bytes.</item>
/// <item>list: u32 big-endian item count, then the items.</item>
/// </list>
/// Strings must be valid Unicode (no lone surrogates); invalid strings are rejected rather than replaced.
/// </summary>
internal sealed class CanonicalEncoder
{
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _buffer;

    public CanonicalEncoder(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalEncoder WriteString(string value, string what = "string")
    {
        ArgumentNullException.ThrowIfNull(value, what);
        var byteCount = Utf8ByteCount(value, what);
        WriteUInt32((uint)byteCount);
        var span = _buffer.GetSpan(byteCount);
        StrictUtf8.GetBytes(value, span);
        _buffer.Advance(byteCount);
        return this;
    }

    /// <summary>Writes a string known to be ASCII (one byte per character), as <see cref="WriteString"/> would.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalEncoder WriteAscii(string value)
    {
        WriteUInt32((uint)value.Length);
        var status = Ascii.FromUtf16(value, _buffer.GetSpan(value.Length), out var written);
        if (status != OperationStatus.Done || written != value.Length)
        {
            throw new ArgumentException("The value is not ASCII.", nameof(value));
        }

        _buffer.Advance(written);
        return this;
    }

    public CanonicalEncoder WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public CanonicalEncoder WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
        return this;
    }

    /// <summary>Writes the u32 item count that starts a list; the caller then writes the items.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CanonicalEncoder WriteCount(int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A list count cannot be negative.");
        }

        WriteUInt32((uint)count);
        return this;
    }

    /// <summary>Writes a length-prefixed value whose UTF-8 bytes were already produced by <see cref="ToUtf8"/>.</summary>
    public CanonicalEncoder WriteUtf8(ReadOnlySpan<byte> utf8) => WriteBytes(utf8);

    /// <summary>Once more than <paramref name="size"/> bytes are written, moves them into <paramref name="hash"/> and starts empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FlushWhenOver(int size, IncrementalHash hash)
    {
        if (_buffer.WrittenCount > size)
        {
            hash.AppendData(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public byte[] Sha256() => SHA256.HashData(_buffer.WrittenSpan);

    /// <summary>Encodes one string on its own (u32 length + UTF-8).</summary>
    public static byte[] EncodeString(string value) => new CanonicalEncoder(value.Length * 3 + 4).WriteString(value).ToArray();

    /// <summary>Strict UTF-8 bytes of <paramref name="value"/>; throws <see cref="ArgumentException"/> for lone surrogates.</summary>
    public static byte[] ToUtf8(string value, string what)
    {
        try
        {
            return StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"The {what} is not valid Unicode (it contains a lone surrogate at index {ex.Index}).", what, ex);
        }
    }

    /// <summary>Compares two UTF-8 byte strings as unsigned bytes (equals Unicode code point order).</summary>
    public static int CompareOrdinalUtf8(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    /// <summary>
    /// SHA-256 of <paramref name="text"/>'s UTF-8 bytes (lone surrogates as U+FFFD, like <see cref="Encoding.UTF8"/>), lowercase
    /// hex. Transcodes through a small pooled buffer: a record is megabytes, and its bytes are needed only for the hash.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Sha256HexOfUtf8(ReadOnlySpan<char> text)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (!text.IsEmpty)
            {
                Utf8.FromUtf16(text, buffer, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
                hash.AppendData(buffer, 0, written);
                text = text[read..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Hex(hash.GetHashAndReset());
    }

    /// <summary>Lowercase hexadecimal.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Strict UTF-8 length of <paramref name="value"/>; throws <see cref="ArgumentException"/> for lone surrogates (as <see cref="ToUtf8"/>).</summary>
    public static int Utf8ByteCount(string value, string what)
    {
        try
        {
            return StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"The {what} is not valid Unicode (it contains a lone surrogate at index {ex.Index}).", what, ex);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }
}
