using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Invitations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExpertPool.Domain.Persistence.Configurations;

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        // Who was invited to which seat never changes, rows are never deleted, an answer is final (decision 031).
        b.ToTable("invitations", t =>
        {
            t.HasTrigger("invitations_keep_seat");
            t.HasTrigger("invitations_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.QuotaKey).HasMaxLength(8).IsRequired();
        b.Property(e => e.DrawnAs).HasConversion<string>().HasMaxLength(8);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.DeclineKind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.DeclineReason).HasMaxLength(Invitation.ReasonMax);
        b.Property(e => e.CancelReason).HasMaxLength(Invitation.ReasonMax);
        b.Property(e => e.CancelledBy).HasMaxLength(100);
        b.Property(e => e.Version).IsConcurrencyToken();
        // One invitation per drawn seat: a backup is never invited twice for the same draw.
        b.HasIndex(e => new { e.DrawRecordId, e.ExpertId }).IsUnique();
        b.HasIndex(e => new { e.Status, e.Deadline });
        b.HasIndex(e => e.ExpertId);
        b.HasIndex(e => e.PanelRequestId);
        b.HasOne<DrawRecord>().WithMany().HasForeignKey(e => e.DrawRecordId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Experts.Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invitation>().WithMany().HasForeignKey(e => e.ReplacesInvitationId).OnDelete(DeleteBehavior.Restrict);
    }
}
