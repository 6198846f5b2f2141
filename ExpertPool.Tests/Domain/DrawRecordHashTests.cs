using System.Security.Cryptography;
using System.Text;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class DrawRecordHashTests
{
    public static TheoryData<int> Lengths => [0, 1, 65_535, 65_536, 65_537, 200_000];

    /// <summary>The chunked hash equals hashing <see cref="Encoding.UTF8"/>'s bytes, whatever straddles a chunk boundary.</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sha256HexOfUtf8_IsTheHashOfTheUtf8Bytes(int asciiPrefix)
    {
        foreach (var tail in new[] { "", "é", "专家", "😀😀", "\ud800", "x\udc00y", "😀\ud83d" })
        {
            var text = new string('a', asciiPrefix) + tail + string.Concat(Enumerable.Repeat("专家😀 \"x\" ", 3_000));

            CanonicalEncoder.Sha256HexOfUtf8(text).Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), $"prefix {asciiPrefix}, tail {tail.Length}");
        }
    }

    [Fact]
    public void SerializeWithSha256_IsSerializeAndTheHashOfItsUtf8Bytes()
    {
        var record = DrawVerifierTests.SampleRecord();

        var (text, sha256) = DrawRecordJson.SerializeWithSha256(record);

        text.Should().Be(DrawRecordJson.Serialize(record));
        sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
    }
}
