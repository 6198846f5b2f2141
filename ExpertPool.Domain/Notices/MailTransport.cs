using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Notices;

/// <summary>Puts one rendered outbox message on its way. Throws on failure; the sender decides about retries.</summary>
public interface IMailTransport
{
    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Builds the MIME message: multipart/alternative (text/plain then text/html, UTF-8) inside multipart/mixed when there
/// are attachments; the outbox's fixed Message-ID; Date = the time the notice was enqueued (so a resend is identical);
/// Chinese subject and display names RFC 2047-encoded (SubjectEncoding/HeadersEncoding = UTF-8).
/// </summary>
public static class MailMessageFactory
{
    public static MailMessage Create(OutboxMessage message, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var mail = new MailMessage
        {
            From = new MailAddress(options.FromAddress, options.FromName, Encoding.UTF8),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        mail.To.Add(new MailAddress(message.RecipientEmail, message.RecipientName, Encoding.UTF8));
        mail.Headers["Message-ID"] = message.MessageId;
        mail.Headers["Date"] = new DateTimeOffset(message.CreatedAt, TimeSpan.Zero).ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        mail.Headers["Content-Language"] = message.Language;
        mail.Headers["X-ExpertPool-Kind"] = message.Kind.ToString();

        var text = AlternateView.CreateAlternateViewFromString(message.TextBody, Encoding.UTF8, MediaTypeNames.Text.Plain);
        text.TransferEncoding = TransferEncoding.Base64;
        var html = AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.Base64;
        mail.AlternateViews.Add(text);
        mail.AlternateViews.Add(html);

        foreach (var a in message.Attachments.OrderBy(a => a.Position))
        {
            var attachment = new Attachment(new MemoryStream(a.Content, writable: false), new ContentType(a.ContentType))
            {
                TransferEncoding = TransferEncoding.Base64,
                NameEncoding = Encoding.UTF8,
            };
            attachment.ContentType.Name = a.FileName;
            attachment.ContentDisposition!.FileName = a.FileName;
            attachment.ContentDisposition.Inline = false;
            mail.Attachments.Add(attachment);
        }
        return mail;
    }
}

/// <summary>SMTP through System.Net.Mail: host, port, STARTTLS (<see cref="SmtpOptions.EnableSsl"/>) and credentials from configuration. One connection per message.</summary>
public sealed class SmtpMailTransport(IOptions<MailOptions> options) : IMailTransport
{
    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var mail = MailMessageFactory.Create(message, o);
        using var client = new SmtpClient(o.Smtp.Host, o.Smtp.Port)
        {
            EnableSsl = o.Smtp.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)o.Smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(o.Smtp.UserName))
            client.Credentials = new NetworkCredential(o.Smtp.UserName, o.Smtp.Password);
        // SmtpClient's async path scales badly when many sends run at once (measured: 8 concurrent SendMailAsync ≈ 50
        // messages/s, 16 blocking Sends on their own threads ≈ 340/s on loopback). Each send waits ~40 ms on TCP
        // acknowledgements, so it gets its own thread; Smtp:Timeout bounds it.
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Factory.StartNew(() => client.Send(mail), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}

/// <summary>The embedded default: every message becomes an .eml file in a folder (relative to the content root), which any mail client opens.</summary>
public sealed class PickupDirectoryMailTransport : IMailTransport
{
    private readonly IOptions<MailOptions> _options;

    public PickupDirectoryMailTransport(IOptions<MailOptions> options, IHostEnvironment environment, ILogger<PickupDirectoryMailTransport> logger)
    {
        _options = options;
        Directory = ResolveDirectory(options.Value.PickupDirectory, environment.ContentRootPath);
        System.IO.Directory.CreateDirectory(Directory);
        logger.LogInformation("Mail transport is Pickup: notices are written as .eml files to {PickupDirectory} (set Mail:Transport=Smtp to send them).", Directory);
    }

    /// <summary>The absolute folder the .eml files go to.</summary>
    public string Directory { get; }

    public static string ResolveDirectory(string configured, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        using var mail = MailMessageFactory.Create(message, _options.Value);
        using var client = new SmtpClient
        {
            DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
            PickupDirectoryLocation = Directory,
        };
        await client.SendMailAsync(mail, cancellationToken);
    }
}
