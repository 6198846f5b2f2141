using System.Security.Cryptography;
using System.Text;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>The eight-lane HMAC must be exactly HMAC-SHA256, and the ranking must score every id exactly as the spec says.</summary>
public sealed class HmacSha256LanesTests
{
    [Fact]
    public void IsSupported_OnTheMachinesWeRunOn()
    {
        // CI and the deployment targets are x86-64 with AVX2 (or Arm64 with AdvSimd); without it the draw silently takes the
        // slow path, which this test would reveal.
        HmacSha256Lanes.IsSupported.Should().BeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void Compute_ForEveryMessageLengthTheLanesTake_EqualsHmacSha256(int keyLength)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"key-{keyLength}")).Concat(new byte[Math.Max(0, keyLength - 32)].Select((_, i) => (byte)(i * 31))).Take(keyLength).ToArray();
        var lanes = new HmacSha256Lanes(key);
        var macs = new byte[HmacSha256Lanes.Lanes * 32];

        for (var length = 0; length <= HmacSha256Lanes.MaxMessageLength; length++)
        {
            var messages = Enumerable.Range(0, HmacSha256Lanes.Lanes)
                .Select(lane => Enumerable.Range(0, length).Select(i => (byte)((i * 7) + (lane * 13) + length)).ToArray())
                .ToArray();
            for (var lane = 0; lane < messages.Length; lane++)
            {
                messages[lane].CopyTo(lanes.Lane(lane));
                lanes.Finish(lane, length);
            }

            lanes.Compute(HmacSha256Lanes.BlocksFor(length), macs);

            for (var lane = 0; lane < messages.Length; lane++)
                macs.AsSpan(lane * 32, 32).ToArray().Should().Equal(HMACSHA256.HashData(key, messages[lane]), $"key {keyLength} bytes, message {length} bytes, lane {lane}");
        }
    }

    [Fact]
    public void Rank_WhenIdsDifferInLengthAndScript_ScoresEachIdAsTheSpecDefines()
    {
        // GUID-shaped ids fill whole groups of eight; short, long and Chinese ids in between force the mixed-group path;
        // a tail of fewer than eight is scored one by one. Every score must be HMAC-SHA256(seed, enc(tag) || enc(id)).
        var ids = DrawTestData.ExpertIds("lanes", 37)
            .Concat(["a", "专家-张三", new string('x', 300), "👩‍🔬赵六", "b"])
            .Concat(DrawTestData.ExpertIds("lanes-2", 20))
            .Concat(Enumerable.Range(0, 9).Select(i => new string('y', 150 + i)))
            .ToArray();
        var seed = DrawTestData.Nonce("lanes");

        var ranked = ExpertRanking.Rank(seed, ids);

        for (var i = 0; i < ids.Length; i++)
        {
            var message = new CanonicalEncoder().WriteString("ExpertPool/v1/score").WriteString(ids[i]).WrittenSpan.ToArray();
            ranked.ScoreHex(i).Should().Be(Convert.ToHexStringLower(HMACSHA256.HashData(seed, message)), $"id {i} ({ids[i].Length} chars)");
        }
    }
}
