using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ExpertPool.Domain.Common;

/// <summary>
/// The two fixed text forms that bulk reads and evidence text handle tens of thousands of times per draw: ISO dates
/// ("yyyy-MM-dd") and GUIDs in "D" form. The general .NET parsers and formatters (culture, format strings, every Guid
/// form) cost several times more per value; these accept exactly the one form and reject anything else.
/// </summary>
public static class IsoText
{
    /// <summary>A UTC instant as the draw record writes it: "yyyy-MM-ddTHH:mm:ss.fffZ".</summary>
    public static string Instant(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"yyyy-MM-dd" with invariant digits, as <c>d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)</c>.</summary>
    public static string Date(DateOnly d) => string.Create(10, d, static (span, value) =>
    {
        var (y, m, day) = (value.Year, value.Month, value.Day);
        span[0] = (char)('0' + y / 1000);
        span[1] = (char)('0' + y / 100 % 10);
        span[2] = (char)('0' + y / 10 % 10);
        span[3] = (char)('0' + y % 10);
        span[4] = '-';
        span[5] = (char)('0' + m / 10);
        span[6] = (char)('0' + m % 10);
        span[7] = '-';
        span[8] = (char)('0' + day / 10);
        span[9] = (char)('0' + day % 10);
    });

    /// <summary>Parses exactly "yyyy-MM-dd" (ASCII digits, a real calendar date); anything else is false.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> utf8, out DateOnly date)
    {
        date = default;
        if (utf8.Length != 10 || utf8[4] != (byte)'-' || utf8[7] != (byte)'-')
            return false;
        if (!Digits(utf8[..4], out var y) || !Digits(utf8.Slice(5, 2), out var m) || !Digits(utf8.Slice(8, 2), out var d))
            return false;
        if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
            return false;
        date = new DateOnly(y, m, d);
        return true;
    }

    /// <summary>
    /// Parses exactly the 36-character "D" form (hex digits of either case, dashes at 8, 13, 18 and 23), as EF stores
    /// GUIDs in SQLite; anything else is false.
    /// </summary>
    public static bool TryParseGuid(ReadOnlySpan<byte> utf8, out Guid value)
    {
        value = default;
        if (utf8.Length != 36 || utf8[8] != (byte)'-' || utf8[13] != (byte)'-' || utf8[18] != (byte)'-' || utf8[23] != (byte)'-')
            return false;
        // The "D" text is the GUID's 16 bytes in big-endian field order, two hex digits per byte.
        Span<byte> bytes = stackalloc byte[16];
        var b = 0;
        var bad = 0;
        for (var i = 0; i < 36; i += 2)
        {
            if (i is 8 or 13 or 18 or 23)
                i++;
            int hi = Hex[utf8[i]], lo = Hex[utf8[i + 1]];
            bad |= hi | lo;
            bytes[b++] = (byte)((hi << 4) | lo);
        }
        if ((bad & 0x80) != 0)
            return false;
        value = new Guid(bytes, bigEndian: true);
        return true;
    }

    /// <summary>
    /// The GUID as one 128-bit number whose order is the ordinal order of its "D" text (its bytes in big-endian field
    /// order): sorting these keys sorts the GUIDs as the draw hashes them, with one integer comparison per step
    /// instead of <see cref="Guid.CompareTo(Guid)"/>'s field-by-field one.
    /// </summary>
    public static UInt128 OrderKey(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>
    /// The lowercase "D" text of the GUID with this <see cref="OrderKey"/>, as <c>Guid.ToString("D")</c>, which it is:
    /// the runtime's formatter is vectorised, several times faster than a nibble loop at tens of thousands of ids.
    /// </summary>
    public static string GuidText(UInt128 key)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            var digit = c - '0';
            if ((uint)digit > 9)
                return false;
            value = value * 10 + digit;
        }
        return true;
    }

    /// <summary>Hex digit values by byte; 0xFF (high bit set) for everything that is not a hex digit.</summary>
    private static ReadOnlySpan<byte> Hex => [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
}
