// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// expert_specialties carries a copy of the expert's region (kept by the Expert aggregate), indexed with the specialty,
/// so a region-bound quota reads its candidates from one index. SQLite cannot add a NOT NULL column without a default,
/// so the table is rebuilt with the region copied from experts. The (Id, RegionCode) index on experts, which served
/// the old join, goes.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000650_SpecialtyRegion")]
public sealed class SpecialtyRegion : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "expert_specialties_new" (
    "ExpertId" TEXT NOT NULL,
    "SpecialtyId" INTEGER NOT NULL,
    "RegionCode" TEXT NOT NULL,
    CONSTRAINT "PK_expert_specialties" PRIMARY KEY ("ExpertId", "SpecialtyId"),
    CONSTRAINT "FK_expert_specialties_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_expert_specialties_specialties_SpecialtyId" FOREIGN KEY ("SpecialtyId") REFERENCES "specialties" ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
INSERT INTO "expert_specialties_new" ("ExpertId", "SpecialtyId", "RegionCode")
SELECT es."ExpertId", es."SpecialtyId", e."RegionCode" FROM "expert_specialties" AS es INNER JOIN "experts" AS e ON e."Id" = es."ExpertId";
""");
        migrationBuilder.Sql("""DROP TABLE "expert_specialties";""");
        migrationBuilder.Sql("""ALTER TABLE "expert_specialties_new" RENAME TO "expert_specialties";""");
        migrationBuilder.Sql("""CREATE INDEX "IX_expert_specialties_SpecialtyId_ExpertId" ON "expert_specialties" ("SpecialtyId", "ExpertId");""");
        migrationBuilder.Sql("""CREATE INDEX "IX_expert_specialties_SpecialtyId_RegionCode_ExpertId" ON "expert_specialties" ("SpecialtyId", "RegionCode", "ExpertId");""");
        migrationBuilder.Sql("""DROP INDEX "IX_experts_Id_RegionCode";""");
        // The rebuilt table has no planner statistics until the next ANALYZE.
        migrationBuilder.Sql("""ANALYZE "expert_specialties";""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""CREATE INDEX "IX_experts_Id_RegionCode" ON "experts" ("Id", "RegionCode");""");
        migrationBuilder.Sql("""DROP INDEX "IX_expert_specialties_SpecialtyId_RegionCode_ExpertId";""");
        migrationBuilder.Sql("""ALTER TABLE "expert_specialties" DROP COLUMN "RegionCode";""");
    }
}
