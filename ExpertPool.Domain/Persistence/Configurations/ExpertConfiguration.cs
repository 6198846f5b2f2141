using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Experts.Applications;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Regions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExpertPool.Domain.Persistence.Configurations;

internal sealed class ExpertConfiguration : IEntityTypeConfiguration<Expert>
{
    public void Configure(EntityTypeBuilder<Expert> b)
    {
        b.ToTable("experts");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Name).HasMaxLength(ExpertDraft.NameMax).IsRequired();
        b.Property(e => e.IdNumber).HasMaxLength(18).IsRequired();
        b.Property(e => e.Gender).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Title).HasMaxLength(ExpertDraft.TitleMax).IsRequired();
        b.Property(e => e.TitleGrade).HasConversion<string>().HasMaxLength(24);
        b.Property(e => e.RegionCode).HasMaxLength(6).IsRequired();
        b.Property(e => e.Email).HasMaxLength(ExpertDraft.EmailMax).IsRequired();
        b.Property(e => e.NormalizedEmail).HasMaxLength(ExpertDraft.EmailMax).IsRequired();
        b.Property(e => e.Phone).HasMaxLength(24).IsRequired();
        b.Property(e => e.PreferredLanguage).HasMaxLength(8).IsRequired();
        b.Property(e => e.JoinChannel).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Version).IsConcurrencyToken();

        b.HasIndex(e => e.IdNumber).IsUnique();
        b.HasIndex(e => e.NormalizedEmail).IsUnique();
        b.HasIndex(e => new { e.Status, e.RegionCode });
        b.HasIndex(e => e.RegionCode);
        b.HasIndex(e => e.TitleGrade);
        b.HasIndex(e => e.EmployerId);
        b.HasIndex(e => e.Name);
        // Eligibility: experts whose term does not cover a review date (term-expired rule), with both dates and the
        // id in the index so the rule reads no expert rows.
        b.HasIndex(e => new { e.TermEnd, e.TermStart, e.Id });
        b.HasIndex(e => new { e.TermStart, e.TermEnd, e.Id });
        // Covering index for the status rule: ids of experts not Active without reading their rows.
        b.HasIndex(e => new { e.Status, e.Id });

        b.HasOne(e => e.Employer).WithMany().HasForeignKey(e => e.EmployerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Region>().WithMany().HasForeignKey(e => e.RegionCode).OnDelete(DeleteBehavior.Restrict);

        b.HasMany(e => e.Specialties).WithOne().HasForeignKey(s => s.ExpertId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Specialties).HasField("_specialties");
        b.HasMany(e => e.Blackouts).WithOne().HasForeignKey(s => s.ExpertId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Blackouts).HasField("_blackouts");
        b.HasMany(e => e.StatusHistory).WithOne().HasForeignKey(s => s.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.Navigation(e => e.StatusHistory).HasField("_statusHistory");
        b.HasMany(e => e.Changes).WithOne().HasForeignKey(c => c.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.Navigation(e => e.Changes).HasField("_changes");
    }
}

/// <summary>An expert's registry history: append-only (the migrations add triggers that refuse UPDATE and DELETE).</summary>
internal sealed class ExpertChangeConfiguration : IEntityTypeConfiguration<ExpertChange>
{
    public void Configure(EntityTypeBuilder<ExpertChange> b)
    {
        b.ToTable("expert_changes", t =>
        {
            t.HasTrigger("expert_changes_no_update");
            t.HasTrigger("expert_changes_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.ChangedFields).HasMaxLength(400).IsRequired();
        b.Property(e => e.Name).HasMaxLength(ExpertDraft.NameMax).IsRequired();
        b.Property(e => e.IdNumberMasked).HasMaxLength(18).IsRequired();
        b.Property(e => e.Gender).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Title).HasMaxLength(ExpertDraft.TitleMax).IsRequired();
        b.Property(e => e.TitleGrade).HasConversion<string>().HasMaxLength(24);
        b.Property(e => e.RegionCode).HasMaxLength(6).IsRequired();
        b.Property(e => e.SpecialtyCodes).IsRequired();
        b.Property(e => e.BlackoutsJson).IsRequired();
        b.Property(e => e.EmailMasked).HasMaxLength(ExpertDraft.EmailMax).IsRequired();
        b.Property(e => e.PhoneMasked).HasMaxLength(24).IsRequired();
        b.Property(e => e.PreferredLanguage).HasMaxLength(8).IsRequired();
        b.Property(e => e.JoinChannel).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.ChangedBy).HasMaxLength(ExpertChange.ActorMax).IsRequired();
        b.Ignore(e => e.ChangedFieldList);
        b.Ignore(e => e.SpecialtyCodeList);
        b.Ignore(e => e.Blackouts);
        b.HasIndex(e => new { e.ExpertId, e.ChangedAt });
    }
}

/// <summary>Applications from the public form: append-only (triggers refuse UPDATE and DELETE), at most one per expert.</summary>
internal sealed class ExpertApplicationConfiguration : IEntityTypeConfiguration<ExpertApplication>
{
    public void Configure(EntityTypeBuilder<ExpertApplication> b)
    {
        b.ToTable("expert_applications", t =>
        {
            t.HasTrigger("expert_applications_no_update");
            t.HasTrigger("expert_applications_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Channel).HasConversion<string>().HasMaxLength(32);
        b.Property(e => e.Statement).HasMaxLength(ExpertApplication.StatementMax).IsRequired();
        b.Property(e => e.Recommender).HasMaxLength(ExpertApplication.RecommenderMax);
        b.Property(e => e.ConsentText).HasMaxLength(ExpertApplication.ConsentMax).IsRequired();
        b.HasIndex(e => e.ExpertId).IsUnique();
        b.HasOne<Expert>().WithMany().HasForeignKey(e => e.ExpertId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ExpertSpecialtyConfiguration : IEntityTypeConfiguration<ExpertSpecialty>
{
    public void Configure(EntityTypeBuilder<ExpertSpecialty> b)
    {
        b.ToTable("expert_specialties");
        b.HasKey(e => new { e.ExpertId, e.SpecialtyId });
        // Covering index for eligibility: the candidates of a specialty subtree come from the index alone.
        b.HasIndex(e => new { e.SpecialtyId, e.ExpertId });
        // Region-bound quotas: the candidates of a subtree in a province or city, from the index alone.
        b.Property(e => e.RegionCode).HasMaxLength(6).IsRequired();
        b.HasIndex(e => new { e.SpecialtyId, e.RegionCode, e.ExpertId });
        b.HasOne(e => e.Specialty).WithMany().HasForeignKey(e => e.SpecialtyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AvailabilityBlackoutConfiguration : IEntityTypeConfiguration<AvailabilityBlackout>
{
    public void Configure(EntityTypeBuilder<AvailabilityBlackout> b)
    {
        b.ToTable("availability_blackouts");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Reason).HasMaxLength(200);
        b.HasIndex(e => new { e.ExpertId, e.From });
    }
}

internal sealed class ExpertStatusChangeConfiguration : IEntityTypeConfiguration<ExpertStatusChange>
{
    public void Configure(EntityTypeBuilder<ExpertStatusChange> b)
    {
        b.ToTable("expert_status_changes", t =>
        {
            t.HasTrigger("expert_status_changes_no_update");
            t.HasTrigger("expert_status_changes_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.FromStatus).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.ToStatus).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Reason).HasMaxLength(ExpertStatusChange.ReasonMax).IsRequired();
        b.Property(e => e.Actor).HasMaxLength(100).IsRequired();
        b.HasIndex(e => new { e.ExpertId, e.ChangedAt });
    }
}

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.ToTable("organisations");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Name).HasMaxLength(Organisation.NameMax).IsRequired();
        b.Property(e => e.CreditCode).HasMaxLength(18).IsRequired();
        b.Property(e => e.Version).IsConcurrencyToken().HasDefaultValue(1);
        b.HasIndex(e => e.CreditCode).IsUnique();
        b.HasIndex(e => e.Name);
        b.HasMany(e => e.Aliases).WithOne().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Aliases).HasField("_aliases");
        b.Ignore(e => e.FormerNameAdded);
    }
}

internal sealed class OrganisationAliasConfiguration : IEntityTypeConfiguration<OrganisationAlias>
{
    public void Configure(EntityTypeBuilder<OrganisationAlias> b)
    {
        b.ToTable("organisation_aliases");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Name).HasMaxLength(Organisation.NameMax).IsRequired();
        b.HasIndex(e => e.Name).IsUnique();
        b.HasIndex(e => e.OrganisationId);
    }
}

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> b)
    {
        b.ToTable("regions");
        b.HasKey(e => e.Code);
        b.Property(e => e.Code).HasMaxLength(6);
        b.Property(e => e.NameZh).HasMaxLength(100).IsRequired();
        b.Property(e => e.NameEn).HasMaxLength(100).IsRequired();
        b.Property(e => e.ParentCode).HasMaxLength(6);
        b.HasOne<Region>().WithMany().HasForeignKey(e => e.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => e.ParentCode);
    }
}

internal sealed class OrganisationChangeConfiguration : IEntityTypeConfiguration<OrganisationChange>
{
    public void Configure(EntityTypeBuilder<OrganisationChange> b)
    {
        b.ToTable("organisation_changes", t =>
        {
            t.HasTrigger("organisation_changes_no_update");
            t.HasTrigger("organisation_changes_no_delete");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Name).HasMaxLength(Organisation.NameMax).IsRequired();
        b.Property(e => e.CreditCode).HasMaxLength(18).IsRequired();
        b.Property(e => e.AliasesJson).IsRequired();
        b.Property(e => e.ChangedBy).HasMaxLength(OrganisationChange.ActorMax).IsRequired();
        b.Ignore(e => e.Aliases);
        // No foreign key: the history outlives a deleted organisation.
        b.HasIndex(e => new { e.OrganisationId, e.ChangedAt });
    }
}
