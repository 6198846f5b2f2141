using ExpertPool.Domain.Specialties;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ExpertPool.Domain.Persistence.Configurations;

internal sealed class SpecialtyConfiguration : IEntityTypeConfiguration<Specialty>
{
    public void Configure(EntityTypeBuilder<Specialty> b)
    {
        b.ToTable("specialties");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Code).HasMaxLength(32).IsRequired();
        b.Property(e => e.NameZh).HasMaxLength(Specialty.NameMax).IsRequired();
        b.Property(e => e.NameEn).HasMaxLength(Specialty.NameMax).IsRequired();
        b.Property(e => e.Path).HasMaxLength(400).IsRequired();
        b.HasIndex(e => e.Code).IsUnique();
        b.HasIndex(e => e.Path);
        b.HasOne(e => e.Parent).WithMany().HasForeignKey(e => e.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}
