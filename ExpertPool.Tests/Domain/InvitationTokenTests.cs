using System.Security.Cryptography;
using ExpertPool.Domain.Invitations;

namespace ExpertPool.Tests.Domain;

public class InvitationTokenTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 1, 0, 0, DateTimeKind.Utc);
    private readonly InvitationTokens _tokens = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Verify_WhenTokenIsFresh_ReturnsTheInvitation()
    {
        var id = Guid.NewGuid();
        var token = _tokens.Create(id, TokenPurpose.Confirm, Now.AddHours(4));

        _tokens.Verify(token, TokenPurpose.Confirm, Now).Should().Be(TokenCheck.ValidFor(id));
        token.Should().MatchRegex("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", "tokens go into URLs unescaped");
    }

    [Fact]
    public void Verify_WhenUsedForTheOtherAction_IsInvalid()
    {
        var token = _tokens.Create(Guid.NewGuid(), TokenPurpose.Confirm, Now.AddHours(4));

        _tokens.Verify(token, TokenPurpose.Decline, Now).State.Should().Be(TokenState.Invalid);
    }

    [Fact]
    public void Verify_AtOrAfterTheDeadline_IsExpiredButStillNamesTheInvitation()
    {
        var id = Guid.NewGuid();
        var token = _tokens.Create(id, TokenPurpose.Decline, Now);

        _tokens.Verify(token, TokenPurpose.Decline, Now).Should().Be(TokenCheck.ExpiredFor(id));
    }

    [Fact]
    public void Verify_WhenAnyCharacterIsChanged_IsInvalid()
    {
        var token = _tokens.Create(Guid.NewGuid(), TokenPurpose.Confirm, Now.AddHours(4));
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
                continue;
            var tampered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            _tokens.Verify(tampered, TokenPurpose.Confirm, Now).State.Should().Be(TokenState.Invalid, $"position {i} was changed");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("abc.def")]
    [InlineData("!!!.???")]
    public void Verify_WhenGarbage_IsInvalid(string? token) =>
        _tokens.Verify(token, TokenPurpose.Confirm, Now).State.Should().Be(TokenState.Invalid);

    [Fact]
    public void Verify_WhenSignedWithAnotherKey_IsInvalid()
    {
        var other = new InvitationTokens(RandomNumberGenerator.GetBytes(32));
        var token = other.Create(Guid.NewGuid(), TokenPurpose.Confirm, Now.AddHours(4));

        _tokens.Verify(token, TokenPurpose.Confirm, Now).State.Should().Be(TokenState.Invalid);
    }
}
