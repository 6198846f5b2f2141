using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ExpertPool.Domain.Invitations;

public enum TokenPurpose : byte
{
    Confirm = 1,
    Decline = 2,
}

/// <summary>
/// Unguessable, signed, single-purpose link tokens: base64url(invitation id ‖ purpose ‖ expiry) "." base64url(HMAC-SHA256).
/// A token names one invitation and one action and stops working at the reply deadline. Nothing is stored per token:
/// the signature is the proof, so a tampered or foreign token fails verification.
/// </summary>
public sealed class InvitationTokens
{
    private const int PayloadLength = 16 + 1 + 8;
    private readonly byte[] _key;

    public InvitationTokens(byte[] key)
    {
        if (key.Length < 32)
            throw new ArgumentException("The signing key must be at least 32 bytes.", nameof(key));
        _key = key;
    }

    public string Create(Guid invitationId, TokenPurpose purpose, DateTime expiresAtUtc)
    {
        Span<byte> payload = stackalloc byte[PayloadLength];
        invitationId.TryWriteBytes(payload[..16], bigEndian: true, out _);
        payload[16] = (byte)purpose;
        BinaryPrimitives.WriteInt64BigEndian(payload[17..], new DateTimeOffset(DateTime.SpecifyKind(expiresAtUtc, DateTimeKind.Utc)).ToUnixTimeSeconds());
        var mac = HMACSHA256.HashData(_key, payload);
        return Base64Url(payload) + "." + Base64Url(mac);
    }

    /// <summary>Checks the signature, the purpose and the expiry. Returns the invitation id, or the reason it is refused.</summary>
    public TokenCheck Verify(string? token, TokenPurpose purpose, DateTime nowUtc)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
            return TokenCheck.Invalid;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
            return TokenCheck.Invalid;
        byte[] payload, mac;
        try
        {
            payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            mac = System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return TokenCheck.Invalid;
        }
        if (payload.Length != PayloadLength || mac.Length != 32)
            return TokenCheck.Invalid;
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), mac))
            return TokenCheck.Invalid;
        if (payload[16] != (byte)purpose)
            return TokenCheck.Invalid;
        var id = new Guid(payload.AsSpan(0, 16), bigEndian: true);
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(17))).UtcDateTime;
        return nowUtc >= expires ? TokenCheck.ExpiredFor(id) : TokenCheck.ValidFor(id);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

public sealed record TokenCheck(TokenState State, Guid InvitationId)
{
    public static readonly TokenCheck Invalid = new(TokenState.Invalid, Guid.Empty);

    public static TokenCheck ValidFor(Guid id) => new(TokenState.Valid, id);

    public static TokenCheck ExpiredFor(Guid id) => new(TokenState.Expired, id);
}

public enum TokenState
{
    Valid,
    Expired,
    Invalid,
}
