// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000100_Registry")]
public sealed class Registry : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "organisations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_organisations" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "CreditCode" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "regions" (
    "Code" TEXT NOT NULL CONSTRAINT "PK_regions" PRIMARY KEY,
    "NameZh" TEXT NOT NULL,
    "NameEn" TEXT NOT NULL,
    "ParentCode" TEXT NULL,
    CONSTRAINT "FK_regions_regions_ParentCode" FOREIGN KEY ("ParentCode") REFERENCES "regions" ("Code") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "specialties" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_specialties" PRIMARY KEY AUTOINCREMENT,
    "Code" TEXT NOT NULL,
    "NameZh" TEXT NOT NULL,
    "NameEn" TEXT NOT NULL,
    "ParentId" INTEGER NULL,
    "Path" TEXT NOT NULL,
    "Depth" INTEGER NOT NULL,
    CONSTRAINT "FK_specialties_specialties_ParentId" FOREIGN KEY ("ParentId") REFERENCES "specialties" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "organisation_aliases" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_organisation_aliases" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    CONSTRAINT "FK_organisation_aliases_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "experts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_experts" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "IdNumber" TEXT NOT NULL,
    "Gender" TEXT NOT NULL,
    "BirthYear" INTEGER NOT NULL,
    "EmployerId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "TitleGrade" TEXT NOT NULL,
    "RegionCode" TEXT NOT NULL,
    "Email" TEXT NOT NULL,
    "NormalizedEmail" TEXT NOT NULL,
    "Phone" TEXT NOT NULL,
    "PreferredLanguage" TEXT NOT NULL,
    "JoinChannel" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "TermStart" TEXT NULL,
    "TermEnd" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_experts_organisations_EmployerId" FOREIGN KEY ("EmployerId") REFERENCES "organisations" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_experts_regions_RegionCode" FOREIGN KEY ("RegionCode") REFERENCES "regions" ("Code") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "expert_specialties" (
    "ExpertId" TEXT NOT NULL,
    "SpecialtyId" INTEGER NOT NULL,
    CONSTRAINT "PK_expert_specialties" PRIMARY KEY ("ExpertId", "SpecialtyId"),
    CONSTRAINT "FK_expert_specialties_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_expert_specialties_specialties_SpecialtyId" FOREIGN KEY ("SpecialtyId") REFERENCES "specialties" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_specialties_SpecialtyId" ON "expert_specialties" ("SpecialtyId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_EmployerId" ON "experts" ("EmployerId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_experts_IdNumber" ON "experts" ("IdNumber");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_Name" ON "experts" ("Name");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_experts_NormalizedEmail" ON "experts" ("NormalizedEmail");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_RegionCode" ON "experts" ("RegionCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_Status_RegionCode" ON "experts" ("Status", "RegionCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TitleGrade" ON "experts" ("TitleGrade");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_organisation_aliases_Name" ON "organisation_aliases" ("Name");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_organisation_aliases_OrganisationId" ON "organisation_aliases" ("OrganisationId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_organisations_CreditCode" ON "organisations" ("CreditCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_organisations_Name" ON "organisations" ("Name");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_regions_ParentCode" ON "regions" ("ParentCode");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_specialties_Code" ON "specialties" ("Code");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_specialties_ParentId" ON "specialties" ("ParentId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_specialties_Path" ON "specialties" ("Path");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE expert_specialties;");
        migrationBuilder.Sql("DROP TABLE experts;");
        migrationBuilder.Sql("DROP TABLE organisation_aliases;");
        migrationBuilder.Sql("DROP TABLE organisations;");
        migrationBuilder.Sql("DROP TABLE specialties;");
        migrationBuilder.Sql("DROP TABLE regions;");
    }
}
