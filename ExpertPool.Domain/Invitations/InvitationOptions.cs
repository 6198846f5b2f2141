using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Invitations;

public sealed class InvitationOptions : IValidatableObject
{
    public const string Section = "Invitations";

    /// <summary>Where experts reach the service; the confirm and decline links start with it.</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5158/");

    /// <summary>How long an invited expert has to answer before the seat goes to the next backup (capped by the request's reply deadline).</summary>
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>A reminder goes out this long before an invitation's deadline.</summary>
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Length of the review in the calendar attachment.</summary>
    public TimeSpan ReviewDuration { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Base64 key (≥ 32 bytes) that signs link tokens. Every host that builds or checks links needs the same key.</summary>
    public string? SigningKey { get; set; }

    /// <summary>When <see cref="SigningKey"/> is empty: a key file relative to the content root, created on first use (owner-only).</summary>
    public string SigningKeyFile { get; set; } = "data/secrets/invitation-signing.key";

    /// <summary>Who gets the panel-complete, backups-exhausted and waiting-for-entropy notices.</summary>
    [Required, EmailAddress]
    public string AdministratorEmail { get; set; } = "admin@expertpool.local";

    public string AdministratorName { get; set; } = "专家库管理员";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReplyWindow < TimeSpan.FromMinutes(5))
            yield return new ValidationResult("Invitations:ReplyWindow must be at least 5 minutes.", [nameof(ReplyWindow)]);
        if (ReminderBefore <= TimeSpan.Zero || ReminderBefore >= ReplyWindow)
            yield return new ValidationResult("Invitations:ReminderBefore must be positive and shorter than ReplyWindow.", [nameof(ReminderBefore)]);
        if (!string.IsNullOrEmpty(SigningKey))
        {
            var ok = true;
            try
            {
                ok = Convert.FromBase64String(SigningKey).Length >= 32;
            }
            catch (FormatException)
            {
                ok = false;
            }
            if (!ok)
                yield return new ValidationResult("Invitations:SigningKey must be base64 of at least 32 bytes.", [nameof(SigningKey)]);
        }
    }

    /// <summary>The configured key, or the key file's (generated on first use). The key is never logged.</summary>
    internal static InvitationTokens CreateTokens(IOptions<InvitationOptions> options, IHostEnvironment environment, ILogger logger)
    {
        var o = options.Value;
        if (!string.IsNullOrEmpty(o.SigningKey))
            return new InvitationTokens(Convert.FromBase64String(o.SigningKey));
        var file = Path.GetFullPath(Path.Combine(environment.ContentRootPath, o.SigningKeyFile));
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            logger.LogWarning("No Invitations:SigningKey configured: generated a link-signing key in {KeyFile}", file);
        }
        return new InvitationTokens(Convert.FromBase64String(File.ReadAllText(file).Trim()));
    }
}
