using ExpertPool.Domain.Draws;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExpertPool.Domain.Persistence.Configurations;

/// <summary>Draw records and their selections are append-only: the migrations add triggers that refuse UPDATE and DELETE.</summary>
internal sealed class DrawRecordConfiguration : IEntityTypeConfiguration<DrawRecord>
{
    public void Configure(EntityTypeBuilder<DrawRecord> b)
    {
        b.ToTable("draw_records", t =>
        {
            t.HasTrigger("draw_records_no_update");
            t.HasTrigger("draw_records_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.AlgorithmVersion).HasMaxLength(40).IsRequired();
        b.Property(e => e.RequestedBy).HasMaxLength(100).IsRequired();
        b.Property(e => e.SupervisorName).HasMaxLength(PanelRequest.SupervisorMax).IsRequired();
        b.Property(e => e.ExecutedBy).HasMaxLength(100).IsRequired();
        b.Property(e => e.Commitment).HasMaxLength(64).IsRequired();
        b.Property(e => e.Nonce).HasMaxLength(64).IsRequired();
        b.Property(e => e.PoolHash).HasMaxLength(64).IsRequired();
        b.Property(e => e.Seed).HasMaxLength(64).IsRequired();
        b.Property(e => e.FailureReason).HasMaxLength(4000);
        b.Ignore(e => e.Document);
        // Table splitting: the document is a column of this table, read only through Include (decision 025).
        b.HasOne(e => e.Content).WithOne().HasForeignKey<DrawRecordContent>(c => c.DrawRecordId);
        b.Navigation(e => e.Content).IsRequired();
        b.Property(e => e.DocumentSha256).HasMaxLength(64).IsRequired();
        b.HasIndex(e => e.PanelRequestId).IsUnique();
        b.HasIndex(e => new { e.ProjectId, e.ExecutedAt });
        b.HasIndex(e => e.ExecutedAt);
        b.HasOne<PanelRequest>().WithMany().HasForeignKey(e => e.PanelRequestId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(e => e.Selections).WithOne().HasForeignKey(s => s.DrawRecordId).OnDelete(DeleteBehavior.Restrict);
        b.Navigation(e => e.Selections).HasField("_selections");
    }
}

internal sealed class DrawRecordContentConfiguration : IEntityTypeConfiguration<DrawRecordContent>
{
    public void Configure(EntityTypeBuilder<DrawRecordContent> b)
    {
        b.ToTable("draw_records");
        b.HasKey(e => e.DrawRecordId);
        b.Property(e => e.DrawRecordId).HasColumnName("Id");
        b.Property(e => e.Document).IsRequired();
    }
}

internal sealed class DrawSelectionConfiguration : IEntityTypeConfiguration<DrawSelection>
{
    public void Configure(EntityTypeBuilder<DrawSelection> b)
    {
        b.ToTable("draw_selections", t =>
        {
            t.HasTrigger("draw_selections_no_update");
            t.HasTrigger("draw_selections_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.QuotaKey).HasMaxLength(8).IsRequired();
        b.Property(e => e.Role).HasConversion<string>().HasMaxLength(8);
        b.Property(e => e.Score).HasMaxLength(64).IsRequired();
        b.HasIndex(e => new { e.DrawRecordId, e.QuotaKey, e.Role, e.Rank }).IsUnique();
        b.HasIndex(e => e.ExpertId);
        b.HasOne<Experts.Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DrawEntropyConfiguration : IEntityTypeConfiguration<DrawEntropy>
{
    public void Configure(EntityTypeBuilder<DrawEntropy> b)
    {
        b.ToTable("draw_entropy", t =>
        {
            t.HasTrigger("draw_entropy_no_update");
            t.HasTrigger("draw_entropy_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Source).HasMaxLength(DrawEntropy.SourceMax).IsRequired();
        b.Property(e => e.Value).HasMaxLength(DrawEntropy.ValueMax).IsRequired();
        b.Property(e => e.EnteredBy).HasMaxLength(100).IsRequired();
        b.HasIndex(e => new { e.PanelRequestId, e.EnteredAt });
        b.HasOne<PanelRequest>().WithMany().HasForeignKey(e => e.PanelRequestId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Conflicts.ConflictRuleSet>().WithMany().HasForeignKey(e => e.RuleSetId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>Withdrawals of draws: append-only (triggers refuse UPDATE and DELETE), at most one per draw.</summary>
internal sealed class DrawWithdrawalConfiguration : IEntityTypeConfiguration<DrawWithdrawal>
{
    public void Configure(EntityTypeBuilder<DrawWithdrawal> b)
    {
        b.ToTable("draw_withdrawals", t =>
        {
            t.HasTrigger("draw_withdrawals_no_update");
            t.HasTrigger("draw_withdrawals_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Reason).HasMaxLength(DrawWithdrawal.ReasonMax).IsRequired();
        b.Property(e => e.WithdrawnBy).HasMaxLength(DrawWithdrawal.ActorMax).IsRequired();
        b.HasIndex(e => e.DrawRecordId).IsUnique();
        b.HasOne<DrawRecord>().WithMany().HasForeignKey(e => e.DrawRecordId).OnDelete(DeleteBehavior.Restrict);
    }
}
