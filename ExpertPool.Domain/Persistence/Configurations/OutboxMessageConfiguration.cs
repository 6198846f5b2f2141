using ExpertPool.Domain.Notices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExpertPool.Domain.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.MessageId).HasMaxLength(200).IsRequired();
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(24);
        b.Property(m => m.CorrelationId).HasMaxLength(100);
        b.Property(m => m.RecipientEmail).HasMaxLength(OutboxMessage.EmailMax).IsRequired();
        b.Property(m => m.RecipientName).HasMaxLength(OutboxMessage.NameMax).IsRequired();
        b.Property(m => m.Language).HasMaxLength(8).IsRequired();
        b.Property(m => m.Subject).HasMaxLength(OutboxMessage.SubjectMax).IsRequired();
        b.Property(m => m.TextBody).IsRequired();
        b.Property(m => m.HtmlBody).IsRequired();
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.LastError).HasMaxLength(OutboxMessage.LastErrorMax);
        b.Property(m => m.LockedBy).HasMaxLength(200);

        b.HasIndex(m => m.MessageId).IsUnique();
        // The sender's claim query: due Pending messages, and Sending ones whose lease ran out.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => m.CorrelationId);

        b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(m => m.Attachments).HasField("_attachments");
    }
}

internal sealed class OutboxAttachmentConfiguration : IEntityTypeConfiguration<OutboxAttachment>
{
    public void Configure(EntityTypeBuilder<OutboxAttachment> b)
    {
        b.ToTable("outbox_attachments");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.FileName).HasMaxLength(200).IsRequired();
        b.Property(a => a.ContentType).HasMaxLength(200).IsRequired();
        b.Property(a => a.Content).IsRequired();
        b.HasIndex(a => new { a.OutboxMessageId, a.Position }).IsUnique();
    }
}
