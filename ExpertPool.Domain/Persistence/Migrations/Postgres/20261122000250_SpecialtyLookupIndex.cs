// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>Replaces the single-column specialty index with a covering (SpecialtyId, ExpertId) index for subtree filters.</summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000250_SpecialtyLookupIndex")]
public sealed class SpecialtyLookupIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
DROP INDEX "IX_expert_specialties_SpecialtyId";
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_specialties_SpecialtyId_ExpertId" ON expert_specialties ("SpecialtyId", "ExpertId");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP INDEX "IX_expert_specialties_SpecialtyId_ExpertId";""");
        migrationBuilder.Sql("""CREATE INDEX "IX_expert_specialties_SpecialtyId" ON expert_specialties ("SpecialtyId");""");
    }
}
