// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// expert_specialties carries a copy of the expert's region (kept by the Expert aggregate), indexed with the specialty,
/// so a region-bound quota reads its candidates from one index. The (Id, RegionCode) index on experts, which served
/// the old join, goes.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000650_SpecialtyRegion")]
public sealed class SpecialtyRegion : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""ALTER TABLE expert_specialties ADD "RegionCode" character varying(6);""");
        migrationBuilder.Sql("""
UPDATE expert_specialties AS es SET "RegionCode" = e."RegionCode" FROM experts AS e WHERE e."Id" = es."ExpertId";
""");
        migrationBuilder.Sql("""ALTER TABLE expert_specialties ALTER COLUMN "RegionCode" SET NOT NULL;""");
        migrationBuilder.Sql("""CREATE INDEX "IX_expert_specialties_SpecialtyId_RegionCode_ExpertId" ON expert_specialties ("SpecialtyId", "RegionCode", "ExpertId");""");
        migrationBuilder.Sql("""DROP INDEX "IX_experts_Id_RegionCode";""");
        migrationBuilder.Sql("""ANALYZE expert_specialties;""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""CREATE INDEX "IX_experts_Id_RegionCode" ON experts ("Id", "RegionCode");""");
        migrationBuilder.Sql("""DROP INDEX "IX_expert_specialties_SpecialtyId_RegionCode_ExpertId";""");
        migrationBuilder.Sql("""ALTER TABLE expert_specialties DROP COLUMN "RegionCode";""");
    }
}
