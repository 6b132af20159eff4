; Inno Setup 6 script: a per-user installer for the frozen DIP Onboarding Wizard folder.
; Compiled by installers/build.py on Windows, which passes the values below, for example:
;   ISCC /DAppVersion=0.1.0 /DFileVersion=0.1.0.0 /DSourceDir=dist\dip-onboarding /DOutputDir=dist
;        /DOutputBase=dip-onboarding-0.1.0-windows-x64-setup /DIconFile=build\icons\dip-onboarding.ico
;        [/DSign /Sdipsign="signtool sign /sha1 THUMBPRINT /fd sha256 /tr URL /td sha256 $f"]
;        installers\windows\dip-onboarding.iss
; Per user, no administrator rights: installs into %LOCALAPPDATA%\Programs and the user's Start menu, which a
; locked-down corporate laptop normally allows.

#ifndef AppVersion
  #error Pass /DAppVersion=... (installers/build.py does, from wizard/__init__.py)
#endif
#ifndef FileVersion
  #define FileVersion AppVersion
#endif
#ifndef SourceDir
  #error Pass /DSourceDir=... (the frozen dip-onboarding folder)
#endif
#ifndef OutputDir
  #define OutputDir "."
#endif
#ifndef OutputBase
  #define OutputBase "dip-onboarding-" + AppVersion + "-windows-x64-setup"
#endif

#define AppName "DIP Onboarding Wizard"
#define GuiExe "dip-onboarding-gui.exe"
#define CliExe "dip-onboarding.exe"

[Setup]
; The AppId never changes: upgrades and the uninstaller find the installed copy by it.
AppId={{9DA09706-86F5-49D8-BA8A-1A559CF362BF}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=DIP Onboarding
VersionInfoVersion={#FileVersion}
VersionInfoProductVersion={#FileVersion}
VersionInfoDescription={#AppName} installer
; Per-user install, never elevated (PrivilegesRequiredOverridesAllowed is left empty: no offer to elevate).
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DisableDirPage=auto
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; An open wizard is asked to close before its files are replaced or removed.
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#GuiExe}
OutputDir={#OutputDir}
OutputBaseFilename={#OutputBase}
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
#ifdef Sign
; The signing command comes from CI secrets (/Sdipsign=...): it signs the two executables, the uninstaller and
; this installer. Without it the installer is unsigned and SmartScreen warns (docs/installing.md).
SignTool=dipsign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A new version replaces the whole frozen runtime, so no library of an older version is left beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
#ifdef Sign
Source: "{#SourceDir}\{#GuiExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
Source: "{#SourceDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
#else
Source: "{#SourceDir}\{#GuiExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#SourceDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion
#endif
Source: "{#SourceDir}\*"; Excludes: "{#GuiExe},{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"; Comment: "Onboard your organisation to Elexon's DIP"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder. The user's projects (%LOCALAPPDATA%\DIPOnboarding\DIP Onboarding Wizard) and the keys
; in Windows Credential Manager (service org.diponboarding.wizard) are deliberately kept: they are the user's
; work, and keys may be the only copy. docs/installing.md says how to remove them too.
Type: dirifempty; Name: "{app}"
