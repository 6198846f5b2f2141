using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Projects;
using ExpertPool.Domain.Regions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExpertPool.Domain.Persistence.Configurations;

internal sealed class ExpertRelationConfiguration : IEntityTypeConfiguration<ExpertRelation>
{
    public void Configure(EntityTypeBuilder<ExpertRelation> b)
    {
        b.ToTable("expert_relations");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.Note).HasMaxLength(ExpertRelation.NoteMax);
        b.Property(e => e.RecordedBy).HasMaxLength(100).IsRequired();
        b.Property(e => e.EndedBy).HasMaxLength(100);
        b.Ignore(e => e.IsOngoing);
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => e.ExpertId);
        // The 回避 queries start from the parties: organisation first, then kind and end date.
        b.HasIndex(e => new { e.OrganisationId, e.Kind, e.To });
    }
}

internal sealed class DeclaredConflictConfiguration : IEntityTypeConfiguration<DeclaredConflict>
{
    public void Configure(EntityTypeBuilder<DeclaredConflict> b)
    {
        b.ToTable("declared_conflicts");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Reason).HasMaxLength(DeclaredConflict.ReasonMax).IsRequired();
        b.Property(e => e.Source).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.RecordedBy).HasMaxLength(100).IsRequired();
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PanelRequest>().WithMany().HasForeignKey(e => e.PanelRequestId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => e.ExpertId);
        b.HasIndex(e => e.OrganisationId);
        b.HasIndex(e => e.PanelRequestId);
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.ToTable("projects");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Code).HasMaxLength(32).IsRequired();
        b.Property(e => e.Name).HasMaxLength(Project.NameMax).IsRequired();
        b.Property(e => e.EngagementType).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.Place).HasMaxLength(Project.PlaceMax).IsRequired();
        b.Property(e => e.RegionCode).HasMaxLength(6);
        b.Property(e => e.CreatedBy).HasMaxLength(100).IsRequired();
        // Rows from before versions were kept start at 1 (migration 20261202000500).
        b.Property(e => e.Version).IsConcurrencyToken().HasDefaultValue(1);
        b.Ignore(e => e.ReviewDate);
        b.HasIndex(e => e.Code).IsUnique();
        b.HasIndex(e => e.ReviewStartsAt);
        b.HasOne<Region>().WithMany().HasForeignKey(e => e.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(e => e.Parties).WithOne().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Parties).HasField("_parties");
        b.HasMany(e => e.Preparers).WithOne().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Preparers).HasField("_preparers");
    }
}

internal sealed class ProjectPartyConfiguration : IEntityTypeConfiguration<ProjectParty>
{
    public void Configure(EntityTypeBuilder<ProjectParty> b)
    {
        b.ToTable("project_parties");
        b.HasKey(e => new { e.ProjectId, e.OrganisationId });
        b.Property(e => e.Role).HasConversion<string>().HasMaxLength(16);
        b.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => e.OrganisationId);
    }
}

internal sealed class ProjectPreparerConfiguration : IEntityTypeConfiguration<ProjectPreparer>
{
    public void Configure(EntityTypeBuilder<ProjectPreparer> b)
    {
        b.ToTable("project_preparers");
        b.HasKey(e => new { e.ProjectId, e.ExpertId });
        b.Property(e => e.Note).HasMaxLength(Project.NoteMax);
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => e.ExpertId);
    }
}

internal sealed class ConflictRuleSetConfiguration : IEntityTypeConfiguration<ConflictRuleSet>
{
    public void Configure(EntityTypeBuilder<ConflictRuleSet> b)
    {
        b.ToTable("conflict_rule_sets");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Scope).HasMaxLength(32).IsRequired();
        b.Property(e => e.EngagementType).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.CreatedBy).HasMaxLength(100).IsRequired();
        b.Property(e => e.ChangeReason).HasMaxLength(ConflictRuleSet.ReasonMax).IsRequired();
        // Settings are one JSON document per version: rows are immutable and only read whole (decision 010).
        b.Property(e => e.Settings)
            .HasColumnName("SettingsJson")
            .HasConversion(s => s.ToJson(), s => ConflictRuleSettings.FromJson(s), new ValueComparer<ConflictRuleSettings>((x, y) => x == y, x => x.GetHashCode()))
            .IsRequired();
        b.HasIndex(e => new { e.Scope, e.Version }).IsUnique();
    }
}

internal sealed class ExpertEngagementConfiguration : IEntityTypeConfiguration<ExpertEngagement>
{
    public void Configure(EntityTypeBuilder<ExpertEngagement> b)
    {
        b.ToTable("expert_engagements");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PanelRequest>().WithMany().HasForeignKey(e => e.PanelRequestId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(e => e.ApplicantOrganisationId).OnDelete(DeleteBehavior.Restrict);
        // Workload cap: a date range grouped by expert, answered from the index alone.
        b.HasIndex(e => new { e.ReviewDate, e.ExpertId });
        b.HasIndex(e => new { e.ExpertId, e.ReviewDate });
        // Cooldown: engagements for one applicant around a date, with their expert and project (covering). Named: the
        // default name is longer than PostgreSQL's 63-character identifiers.
        b.HasIndex(e => new { e.ApplicantOrganisationId, e.ReviewDate, e.ExpertId, e.ProjectId }).HasDatabaseName("IX_expert_engagements_Cooldown");
        b.HasIndex(e => e.ProjectId);
        b.HasIndex(e => e.PanelRequestId);
    }
}

/// <summary>Maintained by triggers (migration 20261122000600_EngagementYears); read by the workload-cap rule only.</summary>
internal sealed class ExpertEngagementYearConfiguration : IEntityTypeConfiguration<ExpertEngagementYear>
{
    public void Configure(EntityTypeBuilder<ExpertEngagementYear> b)
    {
        b.ToTable("expert_engagement_years");
        b.HasKey(e => new { e.ExpertId, e.Year });
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        // Suspects of the workload cap: a year's busy experts, from the index alone.
        b.HasIndex(e => new { e.Year, e.Count, e.ExpertId });
    }
}

internal sealed class PanelRequestConfiguration : IEntityTypeConfiguration<PanelRequest>
{
    public void Configure(EntityTypeBuilder<PanelRequest> b)
    {
        b.ToTable("panel_requests");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.SupervisorName).HasMaxLength(PanelRequest.SupervisorMax).IsRequired();
        b.Property(e => e.RequestedBy).HasMaxLength(100).IsRequired();
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.CancelReason).HasMaxLength(PanelRequest.ReasonMax);
        b.Property(e => e.CancelledBy).HasMaxLength(100);
        b.Property(e => e.FailureReason).HasMaxLength(2000);
        b.Property(e => e.RedrawReason).HasMaxLength(PanelRequest.ReasonMax);
        b.Property(e => e.Commitment).HasMaxLength(64).IsRequired();
        b.Property(e => e.Nonce).IsRequired();
        b.Property(e => e.Supplementary).HasDefaultValue(false);
        b.Ignore(e => e.IsNonceRevealable);
        b.Ignore(e => e.IsFinished);
        b.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PanelRequest>().WithMany().HasForeignKey(e => e.SupersedesRequestId).OnDelete(DeleteBehavior.Restrict);
        // A request is superseded at most once: re-draws form a single line per project.
        b.HasIndex(e => e.SupersedesRequestId).IsUnique();
        b.HasIndex(e => new { e.ProjectId, e.CreatedAt });
        b.HasIndex(e => new { e.Status, e.ScheduledDrawAt });
        b.HasMany(e => e.Quotas).WithOne().HasForeignKey(q => q.PanelRequestId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Quotas).HasField("_quotas");
    }
}

internal sealed class PanelQuotaConfiguration : IEntityTypeConfiguration<PanelQuota>
{
    public void Configure(EntityTypeBuilder<PanelQuota> b)
    {
        b.ToTable("panel_quotas");
        b.HasKey(e => new { e.PanelRequestId, e.Position });
        b.Property(e => e.Key).HasMaxLength(8).IsRequired();
        b.Property(e => e.SpecialtyCode).HasMaxLength(32).IsRequired();
        b.Property(e => e.RegionCode).HasMaxLength(6);
    }
}

internal sealed class ManualExclusionConfiguration : IEntityTypeConfiguration<ManualExclusion>
{
    public void Configure(EntityTypeBuilder<ManualExclusion> b)
    {
        b.ToTable("manual_exclusions");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Reason).HasMaxLength(PanelRequest.ReasonMax).IsRequired();
        b.Property(e => e.CreatedBy).HasMaxLength(100).IsRequired();
        b.HasOne<PanelRequest>().WithMany().HasForeignKey(e => e.PanelRequestId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.PanelRequestId, e.ExpertId }).IsUnique();
        b.HasIndex(e => e.ExpertId);
    }
}
