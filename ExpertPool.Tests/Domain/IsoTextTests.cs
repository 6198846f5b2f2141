using System.Globalization;
using System.Text;
using ExpertPool.Domain.Common;

namespace ExpertPool.Tests.Domain;

/// <summary>The fast date and GUID text handling must agree with .NET's own and refuse every other form.</summary>
public sealed class IsoTextTests
{
    private static IEnumerable<DateOnly> Dates()
    {
        var random = new Random(20261201);
        yield return DateOnly.MinValue;
        yield return DateOnly.MaxValue;
        yield return new DateOnly(2024, 2, 29);
        yield return new DateOnly(999, 12, 31);
        for (var i = 0; i < 5_000; i++)
            yield return DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber + 1));
    }

    [Fact]
    public void Date_FormatsExactlyAsTheInvariantIsoFormat()
    {
        foreach (var d in Dates())
            IsoText.Date(d).Should().Be(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TryParseDate_ReadsBackEveryFormattedDate()
    {
        foreach (var d in Dates())
        {
            IsoText.TryParseDate(Encoding.ASCII.GetBytes(IsoText.Date(d)), out var parsed).Should().BeTrue();
            parsed.Should().Be(d);
        }
    }

    [Theory]
    [InlineData("2026-02-29")] // not a leap year
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-04-31")]
    [InlineData("0000-01-01")]
    [InlineData("2026-1-01")]
    [InlineData("2026-01-1")]
    [InlineData("2026/01/01")]
    [InlineData("2026-01-01 ")]
    [InlineData("2026-01-01T00:00:00")]
    [InlineData("20２6-01-01")]
    [InlineData("")]
    public void TryParseDate_RefusesEverythingElse(string text) =>
        IsoText.TryParseDate(Encoding.UTF8.GetBytes(text), out _).Should().BeFalse();

    [Fact]
    public void TryParseGuid_AgreesWithGuidParse_InUpperAndLowerCase()
    {
        var random = new Random(7);
        var bytes = new byte[16];
        var guids = new List<Guid> { Guid.Empty, Guid.AllBitsSet, Guid.Parse("00112233-4455-6677-8899-aabbccddeeff") };
        for (var i = 0; i < 5_000; i++)
        {
            random.NextBytes(bytes);
            guids.Add(new Guid(bytes));
        }
        foreach (var g in guids)
        {
            foreach (var text in new[] { g.ToString("D"), g.ToString("D").ToUpperInvariant() })
            {
                IsoText.TryParseGuid(Encoding.ASCII.GetBytes(text), out var parsed).Should().BeTrue(text);
                parsed.Should().Be(g);
            }
        }
    }

    [Theory]
    [InlineData("00112233-4455-6677-8899-aabbccddeef")] // 35 characters
    [InlineData("00112233-4455-6677-8899-aabbccddeeff0")]
    [InlineData("001122334-455-6677-8899-aabbccddeeff")] // dash in the wrong place
    [InlineData("00112233-4455-6677-8899_aabbccddeeff")]
    [InlineData("0011223g-4455-6677-8899-aabbccddeeff")] // not hex
    [InlineData("00112233-4455-6677-8899-aabbccddee:f")]
    [InlineData("00112233-4455-6677-8899-aabbccddee@f")]
    [InlineData("{0112233-4455-6677-8899-aabbccddeef}")]
    [InlineData("00112233445566778899aabbccddeeff")]
    [InlineData("")]
    public void TryParseGuid_RefusesEverythingButTheDForm(string text) =>
        IsoText.TryParseGuid(Encoding.UTF8.GetBytes(text), out _).Should().BeFalse();

    [Fact]
    public void TryParseGuid_RefusesNonAsciiBytesThatLookLikeDigits()
    {
        var text = Encoding.UTF8.GetBytes("00112233-4455-6677-8899-aabbccddeeff");
        foreach (var position in new[] { 0, 7, 9, 35 })
        {
            var copy = (byte[])text.Clone();
            copy[position] = (byte)(copy[position] | 0x80);
            IsoText.TryParseGuid(copy, out _).Should().BeFalse($"byte {position} has its high bit set");
        }
    }

    private static List<Guid> OrderCases()
    {
        var random = new Random(11);
        var bytes = new byte[16];
        var ids = new List<Guid>
        {
            Guid.Empty, Guid.AllBitsSet,
            Guid.Parse("ffffffff-0000-0000-0000-000000000000"), Guid.Parse("7fffffff-ffff-ffff-ffff-ffffffffffff"),
            Guid.Parse("80000000-8000-8000-8000-000000000000"), Guid.Parse("00000000-ffff-0000-0000-000000000000"),
            Guid.Parse("00000000-0000-ffff-0000-000000000000"), Guid.Parse("00000000-0000-0000-ff00-000000000000"),
            Guid.Parse("00000000-0000-0000-0000-0000000000ff"),
        };
        for (var i = 0; i < 5_000; i++)
        {
            random.NextBytes(bytes);
            ids.Add(new Guid(bytes));
        }
        return ids;
    }

    [Fact]
    public void GuidText_OfTheOrderKey_IsTheLowercaseDText()
    {
        foreach (var g in OrderCases())
            IsoText.GuidText(IsoText.OrderKey(g)).Should().Be(g.ToString("D"));
    }

    [Fact]
    public void OrderKey_SortsAsTheOrdinalOrderOfTheDText()
    {
        var ids = OrderCases();
        var byKey = ids.OrderBy(IsoText.OrderKey).Select(g => g.ToString("D")).ToList();
        byKey.Should().Equal(ids.Select(g => g.ToString("D")).Order(StringComparer.Ordinal));
    }
}
