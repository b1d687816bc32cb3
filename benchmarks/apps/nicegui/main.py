"""Acme Console: account settings and a team members table, built from stock NiceGUI
elements only (no custom CSS or JavaScript). Runs unchanged on NiceGUI 2.x and 3.x.

    python main.py PORT
"""

import json
import sys
from pathlib import Path

from nicegui import ui

MEMBERS = json.loads((Path(__file__).parent / 'members.json').read_text(encoding='utf-8'))
ROLES = ['Admin', 'Editor', 'Viewer']
COUNTRIES = ['Argentina', 'Australia', 'Brazil', 'Canada', 'France', 'Germany', 'India',
             'Japan', 'Kenya', 'Mexico', 'Netherlands', 'Nigeria', 'Spain', 'Sweden',
             'United Kingdom', 'United States']
LANGUAGES = ['English', 'French', 'German', 'Japanese', 'Portuguese', 'Spanish']

account = {'first_name': 'Alice', 'last_name': 'Martin', 'email': 'alice.martin@acme.test',
           'country': 'France', 'languages': ['English', 'French'], 'theme': 'System',
           'week_start': 'Monday', 'font_size': 14, 'bio': '', 'two_factor': False,
           'timeout': 30}
preferences = {'email': True, 'sms': False, 'push': True, 'dnd': False, 'quiet': {'min': 0, 'max': 7},
               'digest': 'Daily', 'topics': ['Security alerts']}


def frame(title: str) -> None:
    """Header with the drawer toggle and the account menu, and the navigation drawer."""
    with ui.header().classes('items-center'):
        ui.button(icon='menu', on_click=lambda: drawer.toggle()).props('flat round color=white')
        ui.label('Acme Console').classes('text-h6')
        ui.label(f'/ {title}').classes('text-subtitle1 opacity-80')
        ui.space()
        ui.label().classes('text-subtitle2') \
            .bind_text_from(account, 'first_name',
                            backward=lambda _: f"{account['first_name']} {account['last_name']}")
        with ui.button(icon='more_vert').props('flat round color=white'), ui.menu():
            ui.menu_item('Help center',
                         on_click=lambda: ui.notify('Help center opens in a new window'))
            ui.menu_item('Keyboard shortcuts', on_click=lambda: shortcuts.open())
            ui.separator()
            ui.menu_item('Sign out', on_click=lambda: ui.navigate.to('/signed-out'))
    with ui.left_drawer(value=True).props('bordered') as drawer:
        ui.label('Navigation').classes('text-overline')
        ui.link('Account settings', '/settings')
        ui.link('Team members', '/team')
        ui.separator().classes('my-2')
        ui.label('Acme Console 1.4').classes('text-caption text-grey')
    with ui.dialog() as shortcuts, ui.card():
        ui.label('Keyboard shortcuts').classes('text-h6')
        ui.markdown('- `g s` go to settings\n- `g t` go to team members\n- `/` focus search')
        ui.button('Close', on_click=shortcuts.close).props('flat')


@ui.page('/')
def index() -> None:
    ui.navigate.to('/settings')


@ui.page('/signed-out')
def signed_out() -> None:
    with ui.card().classes('absolute-center items-center'):
        ui.label('You have been signed out.').classes('text-h6')
        ui.link('Sign in again', '/settings')


@ui.page('/settings')
def settings() -> None:
    frame('Settings')
    ui.label('Account settings').classes('text-h5')
    with ui.tabs().classes('w-full') as tabs:
        profile_tab = ui.tab('Profile', icon='person')
        notifications_tab = ui.tab('Notifications', icon='notifications')
        security_tab = ui.tab('Security', icon='lock')
    with ui.tab_panels(tabs, value=profile_tab).classes('w-full'):
        with ui.tab_panel(profile_tab):
            profile_form()
        with ui.tab_panel(notifications_tab):
            notifications_form()
        with ui.tab_panel(security_tab):
            security_form()


def profile_form() -> None:
    draft = dict(account, languages=list(account['languages']))
    with ui.row().classes('w-full'):
        ui.input('First name').bind_value(draft, 'first_name').classes('w-64')
        ui.input('Last name').bind_value(draft, 'last_name').classes('w-64')
    ui.input('Email', validation={'Enter a valid email address': lambda v: '@' in v and '.' in v}) \
        .bind_value(draft, 'email').classes('w-96')
    with ui.row().classes('w-full'):
        ui.select(COUNTRIES, label='Country').bind_value(draft, 'country').classes('w-64')
        ui.select(LANGUAGES, label='Languages', multiple=True).props('use-chips') \
            .bind_value(draft, 'languages').classes('w-96')
    ui.label('Theme').classes('text-subtitle2 q-mt-md')
    ui.radio(['Light', 'Dark', 'System'], value=draft['theme']).props('inline').bind_value(draft, 'theme')
    ui.label('Week starts on').classes('text-subtitle2 q-mt-md')
    ui.toggle(['Saturday', 'Sunday', 'Monday']).bind_value(draft, 'week_start')
    with ui.row().classes('items-center w-96 q-mt-md'):
        ui.label('Font size')
        ui.slider(min=10, max=24, step=1).bind_value(draft, 'font_size').classes('w-48')
        ui.label().bind_text_from(draft, 'font_size', backward=lambda v: f'{v} px')
    ui.textarea('Bio', placeholder='A few words about yourself').bind_value(draft, 'bio').classes('w-96')
    with ui.expansion('Advanced', icon='tune').classes('w-96'):
        ui.switch('Two-factor authentication').bind_value(draft, 'two_factor')
        ui.number('Session timeout (minutes)', min=5, max=240).bind_value(draft, 'timeout')
    confirm = ui.checkbox('I confirm these details are correct')
    with ui.row():
        ui.button('Save changes', icon='save', on_click=lambda: save()).bind_enabled_from(confirm, 'value')
        ui.button('Discard', on_click=lambda: ui.navigate.reload()).props('flat')
    summary = ui.label('No changes saved yet.').classes('text-grey-8')

    def save() -> None:
        account.update(draft)
        summary.text = (f"Saved profile for {account['first_name']} {account['last_name']} "
                        f"({account['country']}, {account['theme']} theme, "
                        f"{', '.join(account['languages'])}).")
        ui.notify('Profile saved', type='positive')


def notifications_form() -> None:
    draft = dict(preferences, topics=list(preferences['topics']))
    ui.label('Channels').classes('text-subtitle2')
    with ui.row():
        ui.checkbox('Email').bind_value(draft, 'email')
        ui.checkbox('SMS').bind_value(draft, 'sms')
        ui.checkbox('Push notifications').bind_value(draft, 'push')
    ui.select(['Never', 'Daily', 'Weekly', 'Monthly'], label='Digest frequency') \
        .bind_value(draft, 'digest').classes('w-64')
    ui.label('Topics').classes('text-subtitle2 q-mt-md')
    with ui.row():
        for topic in ['Billing', 'Security alerts', 'Product updates', 'Newsletter']:
            ui.chip(topic, selectable=True, selected=topic in draft['topics'], color='teal-2',
                    on_selection_change=lambda e, t=topic: (draft['topics'].append(t) if e.value
                                                            else draft['topics'].remove(t)))
    ui.switch('Do not disturb').bind_value(draft, 'dnd')
    with ui.column().bind_visibility_from(draft, 'dnd').classes('w-96'):
        ui.label('Quiet hours')
        ui.range(min=0, max=24, step=1).props('label-always').bind_value(draft, 'quiet')
    result = ui.label('')

    def save() -> None:
        preferences.update(draft)
        channels = [name for key, name in [('email', 'Email'), ('sms', 'SMS'), ('push', 'Push')]
                    if draft[key]]
        result.text = (f"Preferences saved: {', '.join(channels) or 'no channels'}; "
                       f"{draft['digest'].lower()} digest; topics: {', '.join(draft['topics']) or 'none'}.")
        ui.notify('Notification preferences saved')
    ui.button('Save preferences', on_click=save)


def security_form() -> None:
    ui.label('Change password').classes('text-subtitle2')
    current = ui.input('Current password', password=True).classes('w-64')
    new = ui.input('New password', password=True, password_toggle_button=True).classes('w-64')
    again = ui.input('Confirm new password', password=True).classes('w-64')
    message = ui.label('')

    def change() -> None:
        if not current.value:
            message.text = 'Enter your current password.'
        elif len(new.value) < 8:
            message.text = 'The new password must have at least 8 characters.'
        elif new.value != again.value:
            message.text = 'The passwords do not match.'
        else:
            message.text = 'Password updated.'
            current.value = new.value = again.value = ''
    ui.button('Update password', on_click=change)


@ui.page('/team')
def team() -> None:
    frame('Team')
    members = [dict(m) for m in MEMBERS]
    columns = [
        {'name': 'name', 'label': 'Name', 'field': 'name', 'sortable': True, 'align': 'left'},
        {'name': 'email', 'label': 'Email', 'field': 'email', 'align': 'left'},
        {'name': 'role', 'label': 'Role', 'field': 'role', 'sortable': True, 'align': 'left'},
        {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left'},
        {'name': 'last_login', 'label': 'Last login', 'field': 'last_login', 'sortable': True,
         'align': 'left'},
        {'name': 'actions', 'label': '', 'field': 'id'},
    ]
    role_filter = {'value': 'All'}

    def refresh() -> None:
        shown = [m for m in members if role_filter['value'] in ('All', m['role'])]
        table.rows = shown
        table.update()
        count.text = f'{len(members)} members'

    with ui.row().classes('w-full items-center'):
        ui.label('Team members').classes('text-h5')
        count = ui.badge(f'{len(members)} members', color='grey-7')
        ui.space()
        ui.button('Invite member', icon='person_add', on_click=lambda: invite.open())
    with ui.row().classes('w-full items-center'):
        search = ui.input(placeholder='Search members').props('clearable outlined dense')
        with search.add_slot('prepend'):
            ui.icon('search')
        ui.toggle(['All', 'Admin', 'Editor', 'Viewer'], value='All',
                  on_change=lambda e: (role_filter.update(value=e.value), refresh()))
        ui.space()
        remove_selected = ui.button('Remove selected', icon='delete', color='negative',
                                    on_click=lambda: ask_remove(table.selected))
    table = ui.table(columns=columns, rows=members, row_key='id', selection='multiple',
                     pagination=6).classes('w-full')
    search.bind_value(table, 'filter')
    remove_selected.bind_enabled_from(table, 'selected', backward=bool)
    table.add_slot('body-cell-status', r'''
        <q-td :props="props">
            <q-badge :color="{Active: 'green', Invited: 'blue', Suspended: 'orange'}[props.value]">
                {{ props.value }}
            </q-badge>
        </q-td>
    ''')
    table.add_slot('body-cell-actions', r'''
        <q-td :props="props" auto-width>
            <q-btn flat round dense icon="edit" @click="() => $parent.$emit('edit', props.row)" />
            <q-btn flat round dense icon="delete" color="negative"
                   @click="() => $parent.$emit('remove', props.row)" />
        </q-td>
    ''')

    # invite dialog
    with ui.dialog() as invite, ui.card().classes('w-96'):
        with ui.row().classes('w-full items-center'):
            ui.label('Invite a team member').classes('text-h6')
            ui.space()
            ui.button(icon='close', on_click=invite.close).props('flat round dense')
        name = ui.input('Full name').classes('w-full')
        email = ui.input('Email address').classes('w-full')
        role = ui.select(ROLES, label='Role', value='Viewer').classes('w-full')
        send = ui.checkbox('Send invitation email', value=True)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=invite.close).props('flat')
            ui.button('Send invite', on_click=lambda: add_member())

    def add_member() -> None:
        if not name.value or '@' not in (email.value or ''):
            ui.notify('Enter a name and a valid email address', type='warning')
            return
        members.append({'id': max(m['id'] for m in members) + 1, 'name': name.value,
                        'email': email.value, 'role': role.value, 'status': 'Invited',
                        'last_login': 'never'})
        refresh()
        ui.notify(f'Invitation sent to {email.value}' if send.value else f'{name.value} added')
        name.value, email.value, role.value, send.value = '', '', 'Viewer', True
        invite.close()

    # edit dialog
    editing: dict = {}
    with ui.dialog() as edit, ui.card().classes('w-96'):
        edit_title = ui.label('').classes('text-h6')
        edit_role = ui.select(ROLES, label='Role').classes('w-full')
        edit_active = ui.switch('Active')
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=edit.close).props('flat')
            ui.button('Save', on_click=lambda: save_member())

    def open_edit(row: dict) -> None:
        editing.clear()
        editing.update(next(m for m in members if m['id'] == row['id']))
        edit_title.text = f"Edit {editing['name']}"
        edit_role.value = editing['role']
        edit_active.value = editing['status'] == 'Active'
        edit.open()

    def save_member() -> None:
        member = next(m for m in members if m['id'] == editing['id'])
        member['role'] = edit_role.value
        member['status'] = 'Active' if edit_active.value else 'Suspended'
        refresh()
        ui.notify(f"{member['name']} updated")
        edit.close()

    # remove confirmation
    pending: list = []
    with ui.dialog() as confirm, ui.card():
        confirm_text = ui.label('')
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=confirm.close).props('flat')
            ui.button('Remove', color='negative', on_click=lambda: remove())

    def ask_remove(rows: list) -> None:
        pending[:] = [r['id'] for r in rows]
        if not pending:
            return
        who = rows[0]['name'] if len(rows) == 1 else f'{len(rows)} members'
        confirm_text.text = f'Remove {who} from the team?'
        confirm.open()

    def remove() -> None:
        members[:] = [m for m in members if m['id'] not in pending]
        table.selected = []
        refresh()
        ui.notify(f'Removed {len(pending)} member(s)')
        confirm.close()

    table.on('edit', lambda e: open_edit(e.args))
    table.on('remove', lambda e: ask_remove([e.args]))


if __name__ in {'__main__', '__mp_main__'}:
    ui.run(host='127.0.0.1', port=int(sys.argv[1]), title='Acme Console', show=False,
           reload=False, dark=False)
