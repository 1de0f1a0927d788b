//! What the user can ask for. The keymap names actions by their serde name (`run = "quit"`,
//! `run = { goto_screen = 2 }`), so the names below are part of the keymap file format.

use serde::{Deserialize, Serialize};

/// A request to the app, from a key binding or from the input line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    NextScreen,
    PrevScreen,
    /// The next pane on screens with several (Zones, Rollout); elsewhere the next screen.
    NextPane,
    PrevPane,
    /// Goes to a screen by its number in the tab bar (1 = Estate).
    GotoScreen(usize),
    MoveUp,
    MoveDown,
    /// Matrix: the cell cursor one column left or right.
    MoveLeft,
    MoveRight,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ToggleDetail,
    StartFilter,
    CycleOutcomeFilter,
    StartImport,
    ToggleHelp,
    /// Closes the innermost overlay, input or pane; with nothing open, cancels a running import.
    Cancel,
    /// Accepts the input line (the filter, or the import path).
    Submit,
    Reload,
    /// Uses the selected row: on Blast radius, computes the selected workload's reach; on
    /// Matrix, lists the flows of the cell under the cursor.
    Pick,
    /// Blast radius: one workload's reach, or the planned ranking of every workload.
    ToggleRanking,
    /// Matrix: propose a rule allowing the selected denied flow.
    ProposeRule,
    /// Zones: a new zone (asks for its name).
    NewZone,
    /// Zones: rename the selected zone (and the rules naming it).
    RenameZone,
    /// Zones: the selected zone's intra-zone traffic: the default, allow, deny.
    CycleIntraZone,
    /// Every rule of the plan: enable or disable, edit its text, go to its cell.
    OpenRules,
    /// Zones: move the selected zone up or down (first match wins).
    MoveZoneUp,
    MoveZoneDown,
    /// Zones: delete the selected zone (asks for confirmation).
    DeleteZone,
    /// Confirms a pending question (a zone deletion).
    Confirm,
    /// Zones: add a `kind: value` selector to the selected zone.
    AddSelector,
    /// Zones: remove the selected selector.
    RemoveSelector,
    /// Zones: move the selected member or unassigned workload to another zone.
    MoveWorkload,
    /// Zones and Matrix: show or hide the plan reviewer's findings (Enter jumps to one).
    ToggleLint,
    /// Writes the plan back to the file it was applied from.
    WritePlan,
    /// Rollout: move the selected phase up or down.
    MovePhaseUp,
    MovePhaseDown,
    /// Rollout: the keyboard to the other list (phases, exit criteria).
    SwitchFocus,
    /// Rollout: tick or untick the selected exit criterion (statements only). Export: choose
    /// the selected file (or target) or leave it out.
    Toggle,
    /// Rollout: edit the selected phase as YAML (on an empty list, a new phase).
    EditPhase,
    /// Rollout: a new phase after the selected one, opened in the editor.
    NewPhase,
    /// The phase editor: apply the edited text.
    ApplyEdit,
    /// Export: edit the output folder.
    EditFolder,
    /// Export: write the chosen files into the output folder.
    WriteExport,
    /// Export: scroll the preview by this many lines (negative: up).
    ScrollPreview(isize),
    /// The text of the focused input line changed (sent by the line editor, not bound to keys).
    SetInput(String),
    /// The `/` finder across workloads, apps, zones, rules, addresses and ports.
    OpenFinder,
    /// The `:` command palette.
    OpenPalette,
    /// A click on a list row (sent by the mouse, not bound to keys).
    #[serde(skip)]
    ClickRow {
        list: super::pointer::ListId,
        position: usize,
    },
    /// The mouse wheel: this many rows down (negative: up).
    Wheel(isize),
    /// Zones: edit the selected zone's description; Matrix: the justification of the rule
    /// allowing the selected flow (in the text editor).
    EditText,
    /// Zones: the zone's note; Matrix: the rule's note (in the text editor).
    EditNote,
    /// Undo the last change of the active scenario's plan (stored: survives a quit).
    Undo,
    /// Redo the change undone last.
    Redo,
    /// The scenarios: switch, new, rename, delete, promote, compare.
    OpenScenarios,
    /// In the scenarios list: a copy of the active scenario (asks for its name).
    NewScenario,
    RenameScenario,
    /// In the scenarios list: delete (asks for confirmation).
    DeleteScenario,
    /// In the scenarios list: make the scenario the baseline.
    PromoteScenario,
    /// Compare the active scenario with the baseline (in the list: the selected one).
    Compare,
    /// The audit trail: every change with when, who and what.
    OpenHistory,
    /// Narrow the flows to a time window.
    SetWindow,
    /// Draft a plan from the observed flows (as `plan suggest`) into a new scenario.
    SuggestScenario,
}
