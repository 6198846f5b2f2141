using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class CanonicalEncoderTests
{
    [Fact]
    public void WriteString_WhenChinese_WritesBigEndianByteLengthThenUtf8()
    {
        var bytes = new CanonicalEncoder().WriteString("专家").ToArray();

        Convert.ToHexStringLower(bytes).Should().Be("00000006" + "e4b893" + "e5aeb6");
    }

    [Fact]
    public void WriteString_WhenEmoji_UsesFourByteUtf8()
    {
        Convert.ToHexStringLower(CanonicalEncoder.EncodeString("😀")).Should().Be("00000004f09f9880");
    }

    [Fact]
    public void WriteString_WhenNfdAndNfc_KeepsBytesAsGiven()
    {
        CanonicalEncoder.EncodeString("é").Should().NotEqual(CanonicalEncoder.EncodeString("e\u0301"));
    }

    [Fact]
    public void WriteString_WhenLoneSurrogate_ThrowsArgumentException()
    {
        var act = () => new CanonicalEncoder().WriteString("bad\uD800", "expert id");

        act.Should().Throw<ArgumentException>().WithMessage("*expert id*lone surrogate*");
    }

    [Fact]
    public void WriteInt64_WritesEightBytesBigEndianTwosComplement()
    {
        Convert.ToHexStringLower(new CanonicalEncoder().WriteInt64(258).WriteInt64(-1).ToArray())
            .Should().Be("0000000000000102" + "ffffffffffffffff");
    }

    [Fact]
    public void WriteCountAndBytes_WriteU32PrefixesThenItems()
    {
        var bytes = new CanonicalEncoder().WriteCount(2).WriteBytes([0xab]).WriteBytes([]).ToArray();

        Convert.ToHexStringLower(bytes).Should().Be("00000002" + "00000001ab" + "00000000");
    }

    [Fact]
    public void CompareOrdinalUtf8_WhenSupplementaryVersusHighBmp_OrdersByCodePointNotUtf16()
    {
        var fullwidthTilde = CanonicalEncoder.ToUtf8("\uFF5E", "id");
        var emoji = CanonicalEncoder.ToUtf8("😀", "id");

        CanonicalEncoder.CompareOrdinalUtf8(fullwidthTilde, emoji).Should().BeNegative();
        string.CompareOrdinal("\uFF5E", "😀").Should().BePositive("UTF-16 order differs, which is why the spec uses UTF-8 bytes");
    }

    [Fact]
    public void WriteAscii_WritesWhatWriteStringWrites_AndRefusesNonAscii()
    {
        var id = DrawTestData.ExpertId("ascii", 1);

        new CanonicalEncoder().WriteAscii(id).WriteAscii("x").ToArray()
            .Should().Equal(new CanonicalEncoder().WriteString(id).WriteString("x").ToArray());
        var act = () => new CanonicalEncoder().WriteAscii("é");
        act.Should().Throw<ArgumentException>();
    }
}
