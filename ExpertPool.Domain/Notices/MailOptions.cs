using System.ComponentModel.DataAnnotations;

namespace ExpertPool.Domain.Notices;

public enum MailTransportKind
{
    /// <summary>Writes .eml files to <see cref="MailOptions.PickupDirectory"/> (the embedded default: nothing leaves the machine).</summary>
    Pickup,

    /// <summary>Delivers over SMTP (System.Net.Mail: plain or STARTTLS).</summary>
    Smtp,
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>STARTTLS on the submission port (System.Net.Mail does not speak implicit TLS on 465).</summary>
    public bool EnableSsl { get; set; }

    public string? UserName { get; set; }

    /// <summary>Never logged, never written to an outbox row. Give it by environment or a secrets store.</summary>
    public string? Password { get; set; }

    /// <summary>Per-message network timeout. Keep it well under <see cref="MailOptions.SendLease"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Section <c>Mail</c>: how notices leave the outbox.</summary>
public sealed class MailOptions : IValidatableObject
{
    public const string Section = "Mail";

    public MailTransportKind Transport { get; set; } = MailTransportKind.Pickup;

    /// <summary>Folder for .eml files with the Pickup transport; relative paths are under the content root.</summary>
    public string PickupDirectory { get; set; } = "data/mail-outbox";

    public SmtpOptions Smtp { get; set; } = new();

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "noreply@expertpool.local";

    [Required]
    public string FromName { get; set; } = "专家库 ExpertPool";

    /// <summary>Right-hand side of every Message-ID: <c>&lt;guid@MessageIdDomain&gt;</c>.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    public string MessageIdDomain { get; set; } = "expertpool.local";

    /// <summary>Attempts before a message is marked Failed (and shown to administrators).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failure; doubles after each further one, up to <see cref="BackoffCap"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long a claimed message stays reserved for its sender. A message still Sending after this is reclaimed.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan SendLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages claimed per round.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Messages sent at once, one SMTP connection each. System.Net.Mail spends ~40-50 ms per message on loopback
    /// (connection set-up and TCP acknowledgement delays, not CPU), so throughput comes from parallel lanes. A sender
    /// killed mid-send resends at most the messages it had in flight: one per lane. Set 1 for "at most one, ever".
    /// </summary>
    [Range(1, 64)]
    public int MaxParallelSends { get; set; } = 16;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Transport == MailTransportKind.Smtp && string.IsNullOrWhiteSpace(Smtp.Host))
            yield return new ValidationResult("Mail:Smtp:Host is required when Mail:Transport is Smtp.", [nameof(Smtp)]);
        if (Transport == MailTransportKind.Pickup && string.IsNullOrWhiteSpace(PickupDirectory))
            yield return new ValidationResult("Mail:PickupDirectory is required when Mail:Transport is Pickup.", [nameof(PickupDirectory)]);
        if (!string.IsNullOrEmpty(Smtp.UserName) && Smtp.Password is null)
            yield return new ValidationResult("Mail:Smtp:Password is required when Mail:Smtp:UserName is set.", [nameof(Smtp)]);
        if (Smtp.Port is < 1 or > 65535)
            yield return new ValidationResult("Mail:Smtp:Port must be between 1 and 65535.", [nameof(Smtp)]);
        if (BackoffCap < BackoffBase)
            yield return new ValidationResult("Mail:BackoffCap must not be shorter than Mail:BackoffBase.", [nameof(BackoffCap)]);
        if (Smtp.Timeout >= SendLease)
            yield return new ValidationResult("Mail:Smtp:Timeout must be shorter than Mail:SendLease, or a slow send could be reclaimed and sent twice.", [nameof(SendLease)]);
    }
}
