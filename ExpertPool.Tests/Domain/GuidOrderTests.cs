using FluentAssertions;
using Xunit;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Eligibility sorts pools as Guids and hands them to the draw as lowercase "D" text, whose ordinal order the algorithm
/// hashes; the two orders must agree for every Guid, including ones whose first fields have the sign bit set.
/// </summary>
public sealed class GuidOrderTests
{
    [Fact]
    public void GuidSort_EqualsOrdinalSortOfLowercaseText()
    {
        var random = new Random(7);
        var ids = Enumerable.Range(0, 5000).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }).Concat(
        [
            Guid.Parse("ffffffff-0000-0000-0000-000000000000"),
            Guid.Parse("7fffffff-ffff-ffff-ffff-ffffffffffff"),
            Guid.Parse("80000000-8000-8000-8000-000000000000"),
            Guid.Parse("00000000-ffff-0000-0000-000000000000"),
            Guid.Parse("00000000-0000-ffff-0000-000000000000"),
            Guid.Parse("00000000-0000-0000-ff00-000000000000"),
            Guid.Parse("00000000-0000-0000-0000-0000000000ff"),
        ]).ToList();

        var byGuid = ids.Order().Select(g => g.ToString("D")).ToList();
        var byText = ids.Select(g => g.ToString("D")).Order(StringComparer.Ordinal).ToList();

        byGuid.Should().Equal(byText);
    }
}
